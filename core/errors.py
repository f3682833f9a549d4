"""The error pages (homenet/urls.py handler400 ... handler500): the site's layout, in the
visitor's language, with a search and a link home.

LocaleMiddleware has chosen the language before a view fails, so each page speaks it. The 500
page is rendered without the request: its context processors would reach the session and the
user, that is the database, which may be what failed.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def _page(
    request: HttpRequest, status: int, heading: str, explanation: str, *, reason: str = ""
) -> HttpResponse:
    # `reason`: what Django says refused a form (CSRF), for tests and logs; never shown.
    context = {"heading": heading, "explanation": explanation, "csrf_reason": reason}
    return render(request, "errors/page.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        400,
        _("The request could not be understood"),
        _("The address or the form sent was malformed. Please go back and try again."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        _("You may not open this page"),
        _("Your account does not give access to this page. Signed in as someone else?"),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form sent without its token (cookies cleared, a page kept
    open for days). Django's own page has neither the layout nor a way onward; going back and
    sending again is the remedy, which the 400 page's words already say."""
    return _page(
        request,
        403,
        _("The request could not be understood"),
        _("The address or the form sent was malformed. Please go back and try again."),
        reason=reason or "CSRF",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        _("Page not found"),
        _(
            "There is no page at this address, or no longer: an organisation that left the "
            "registry or is suspended is not listed. Search the directory instead."
        ),
    )


def too_many_requests(request: HttpRequest, explanation: str) -> HttpResponse:
    """429, for a rate limit (core.ratelimit) that has nothing better to say than `explanation`."""
    return _page(request, 429, _("Too many attempts"), explanation)


def server_error(request: HttpRequest) -> HttpResponse:
    context = {
        "heading": _("Something went wrong on our side"),
        "explanation": _(
            "The page could not be shown. The error is recorded; please try again in a few minutes."
        ),
    }
    return HttpResponseServerError(render_to_string("errors/500.html", context))
