"""Response headers the whole site shares: Permissions-Policy, and no caching of private pages.

Django has settings for its SECURE_* headers but none for Permissions-Policy, hence
PermissionsPolicyMiddleware, which sends settings.PERMISSIONS_POLICY on every response.

A page seen signed in may show private contacts: PrivatePagesMiddleware tells browsers and
proxies not to store it (`Cache-Control: private, no-store`), as it does for everything under
the admin and the workspace whoever asks. A view that set its own Cache-Control keeps it. Public
pages seen anonymously are left as they are, cacheable.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PRIVATE_PREFIXES = ("/admin/", "/workspace/")


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """{"camera": [], "fullscreen": ["self"]} -> 'camera=(), fullscreen=(self)'."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Read after the view: a sign-in made the user authenticated, a sign-out anonymous.
        private = request.path.startswith(PRIVATE_PREFIXES) or request.user.is_authenticated
        if private and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
