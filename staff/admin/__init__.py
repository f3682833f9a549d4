"""Every admin screen of the registry, registered here: the admin is international staff's tool.

The models live in the apps below (accounts, regions, affiliates); their screens sit on top,
beside the spreadsheets and the audit they use, so that no lower app imports upward.
"""

from staff.admin import affiliates, governance, regions, tokens, users

__all__ = ["affiliates", "governance", "regions", "tokens", "users"]
