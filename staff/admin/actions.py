"""The lifecycle's decisions as admin actions: a reason form first, then the same service."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy, ngettext

from affiliates.choices import Status, WithdrawalKind
from affiliates.services.lifecycle import TRANSITIONS, Transition, affiliate_transition


class ReasonForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment or reason"), widget=forms.Textarea, required=False
    )
    comment_is_public = forms.BooleanField(
        label=gettext_lazy("Show it to the applicant"), required=False
    )
    withdrawal_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of withdrawal"), choices=WithdrawalKind.choices
    )

    def __init__(self, *args, transition: Transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = transition.comment_required
        if not transition.needs_withdrawal_kind:
            del self.fields["withdrawal_kind"]


def _describe(transition: Transition) -> str:
    sources = " / ".join(str(Status(s).label) for s in sorted(transition.sources))
    return f"{transition.label}: {sources} → {Status(transition.target).label}"


def _make_action(transition: Transition):
    def action(modeladmin, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None, transition=transition)
        if form.is_bound and form.is_valid():
            done = 0
            for affiliate in queryset.select_related("region"):
                try:
                    affiliate_transition(
                        affiliate=affiliate,
                        action=transition.action,
                        actor=request.user,
                        comment=form.cleaned_data["comment"],
                        comment_is_public=form.cleaned_data["comment_is_public"],
                        withdrawal_kind=form.cleaned_data.get("withdrawal_kind", ""),
                    )
                    done += 1
                except ValidationError as refused:
                    modeladmin.message_user(
                        request, f"{affiliate}: {' '.join(refused.messages)}", messages.ERROR
                    )
            if done:
                modeladmin.message_user(
                    request,
                    ngettext(
                        "%(count)d organisation: %(done)s.",
                        "%(count)d organisations: %(done)s.",
                        done,
                    )
                    % {"count": done, "done": transition.done},
                    messages.SUCCESS,
                )
            return None  # back to the changelist
        return TemplateResponse(
            request,
            "admin/affiliates/affiliate/lifecycle_action.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": _describe(transition),
                "opts": modeladmin.model._meta,
                "queryset": queryset,
                "form": form,
                "action_name": request.POST.get("action"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    action.__name__ = f"lifecycle_{transition.action}"
    return admin.action(description=lazy(_describe, str)(transition), permissions=["change"])(
        action
    )


LIFECYCLE_ACTIONS = [_make_action(t) for t in TRANSITIONS.values()]
