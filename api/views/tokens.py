"""The page where a signed-in person makes, lists and revokes their own API tokens.

A new token is shown once, on the answer to the POST that made it (never stored in the clear,
never in a redirect's URL or the session). Staff revoke anybody's in the admin.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import two_factor
from accounts.tokens import token_create, token_revoke, tokens_of
from affiliates.access import signed_in_required
from api.forms import TokenForm


@signed_in_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _made, new_token = token_create(
                    user=request.user,  # type: ignore[arg-type]  # signed in: a User
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                    second_factor=two_factor.is_verified(request),
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form, status = TokenForm(), 201
        if new_token is None:
            status = 400
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens_of(request.user),
            "new_token": new_token,
            "docs_url": reverse("api:docs"),
        },
        status=status,
    )


@signed_in_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(tokens_of(request.user), pk=pk)
    token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("tokens:list")
