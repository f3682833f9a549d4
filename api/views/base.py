"""What every API view shares: the body cap, and for public reads conditional GET and caching."""

import hashlib
import time
from typing import Any

from django.conf import settings
from django.http import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import AuthenticationFailed, NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request

from api.problems import TooLarge
from core.public_cache import public_cache_version, replica_may_lag


class ApiView(GenericAPIView):
    # OPTIONS answers 405: the description at /api/v1/schema/ says what each operation takes.
    # (CORS preflights are answered by django-cors-headers before any view.)
    metadata_class = None

    @property
    def allowed_methods(self) -> list[str]:
        # The Allow header lists what is answered: not OPTIONS, which is a 405 here.
        return [method for method in super().allowed_methods if method != "OPTIONS"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Before anything reads the body: a too-large one is refused unread.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.API_MAX_BODY_BYTES:
            raise TooLarge(
                _("The request body is larger than %(max)s kB.")
                % {"max": settings.API_MAX_BODY_BYTES // 1024}
            )
        super().initial(request, *args, **kwargs)

    def perform_authentication(self, request: Request) -> None:
        # DRF checks the rates after authenticating: a refused token would be a free 401, so
        # guesses would never be throttled. It counts against its address's anonymous rate.
        try:
            super().perform_authentication(request)
        except AuthenticationFailed:
            self.check_throttles(request)
            raise


class PublicView(ApiView):
    """A public read: anybody, CORS open (settings.CORS_URLS_REGEX), ETag and Last-Modified.

    The validators come from the public cache's generation, which every write that public
    pages show moves (core.public_cache): a repeat with If-None-Match or If-Modified-Since
    gets 304 without the data being read again.
    """

    permission_classes = [AllowAny]

    def read(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        generation, changed = public_cache_version()
        if replica_may_lag(changed):
            # Read from a replica just after a write: the data may predate the generation, so
            # it carries no validator that a client would later take as proof of freshness.
            response = self.read(request, *args, **kwargs)
            patch_cache_control(response, public=True, no_cache=True)
            patch_vary_headers(response, ["Accept-Language"])
            return response
        key = f"{generation}|{type(self).__name__}|{get_language()}|{request.get_full_path()}"
        etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
        response = get_conditional_response(request._request, etag=etag, last_modified=int(changed))
        if response is None:
            response = self.read(request, *args, **kwargs)
        response["ETag"] = etag
        # Whole seconds: a write later in the second this answer is made in would leave
        # Last-Modified unchanged, and If-Modified-Since would hide it for good. Such an
        # answer says a second earlier, so the next request is answered in full.
        modified = int(changed) if int(time.time()) > int(changed) else int(changed) - 1
        response["Last-Modified"] = http_date(modified)
        # Shared caches may keep it, but must ask again each time (a 304 is cheap).
        patch_cache_control(response, public=True, no_cache=True)
        patch_vary_headers(response, ["Accept-Language"])
        return response


class TokenView(ApiView):
    """A read or write with a token: its owner's scope (affiliates.access), never cached."""

    permission_classes = [IsAuthenticated]

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response


@extend_schema(exclude=True)
class NotFoundView(ApiView):
    """Any path under /api/v1/ that names no operation, whatever the method."""

    permission_classes = [AllowAny]
    throttle_classes: list[type] = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        raise NotFound(_("There is no such operation: see /api/v1/schema/."))
