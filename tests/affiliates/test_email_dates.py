"""Emails give dates in their reader's language's own format (Russian months are genitive)."""

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from tests.clock import NOW


@pytest.mark.parametrize("template", ["decision", "decision_coordinators", "application_received"])
def test_an_email_dates_in_its_languages_format(template):
    affiliate = SimpleNamespace(
        name="Sakhi",
        contact_name="Asha",
        reference="HN-AAAA-BBBB",
        country=SimpleNamespace(name="India"),
        region=SimpleNamespace(name="South Asia"),
        created_at=NOW,
        get_status_display="x",
    )
    change = SimpleNamespace(
        created_at=NOW,
        to_status="applied",
        actor=SimpleNamespace(get_full_name="Sam", username="sam"),
        comment="",
        comment_is_public=False,
    )
    with translation.override("ru"):
        body = render_to_string(
            f"emails/{template}.txt", {"affiliate": affiliate, "change": change, "done": "x"}
        )

    assert "15 июня 2026" in body  # "j F Y" gave the nominative "15 Июнь 2026"
