"""The directory's CSV now lives with the other exports, in spreadsheets.exports.

public.views.directory imports it from here until its import names spreadsheets.exports.
"""

from spreadsheets.exports import directory_csv

__all__ = ["directory_csv"]
