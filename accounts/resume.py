"""What a person had typed when their session expired is given back after they sign in again.

A form posted from a session that SessionExpiryMiddleware has just ended is refused by the
view's sign-in check (a redirect to the sign-in page, after the CSRF check passed). Its fields
(no files, no CSRF token, within a size cap) are then kept in the visitor's new session, which
is database-backed like every session, so any app server can give them back; signing in keeps
a session's data (`login()` only renews its key). The form's page, opened again after sign-in,
calls `restored_form_data()` and shows the form bound to them, once, and only to the person
who posted them.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

SESSION_RESUME_KEY = "_hn_resume"
MAX_BYTES = 1024 * 1024
MAX_FIELDS = 10_000
# Kept no longer than this: an older draft is more likely to mislead than to help.
MAX_AGE_SECONDS = 60 * 60


def keep_posted_form(request: HttpRequest, response: HttpResponse, user_id: object) -> None:
    """Keep the fields of a POST that the view sent to sign in, for user `user_id`."""
    if request.method != "POST" or request.FILES or response.status_code != 302:
        return
    if not response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL)):
        return
    fields = [[key, values] for key, values in request.POST.lists() if key != "csrfmiddlewaretoken"]
    size = sum(len(key) + sum(len(value) for value in values) for key, values in fields)
    if not fields or len(fields) > MAX_FIELDS or size > MAX_BYTES:
        return
    request.session[SESSION_RESUME_KEY] = {
        "path": request.path,
        "user": str(user_id),
        "at": int(time.time()),
        "fields": fields,
    }


def restored_form_data(request: HttpRequest) -> QueryDict | None:
    """On a GET of the page whose form was kept for this user: the fields, with a message.

    None otherwise. Kept fields are removed once given back, and a different person signing
    in on the same browser never sees them (they are dropped).
    """
    if request.method != "GET" or not request.user.is_authenticated:
        return None
    kept = request.session.get(SESSION_RESUME_KEY)
    if not kept:
        return None
    if kept.get("user") != str(request.user.pk) or (
        time.time() - kept.get("at", 0) > MAX_AGE_SECONDS
    ):
        del request.session[SESSION_RESUME_KEY]
        return None
    if kept.get("path") != request.path:
        return None
    del request.session[SESSION_RESUME_KEY]
    data = QueryDict(mutable=True)
    for key, values in kept["fields"]:
        data.setlist(key, values)
    data._mutable = False
    messages.warning(
        request,
        _("You were signed out; here is what you had typed — check it and save again."),
    )
    return data
