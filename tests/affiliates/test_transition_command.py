import pytest
from django.core.management import CommandError, call_command

from affiliates.choices import Status
from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db


def test_the_command_takes_a_step_through_the_service(south_asia, staff_user, capsys):
    affiliate = AffiliateFactory(region=south_asia, status=Status.AFFILIATED)

    call_command("affiliate_transition", affiliate.reference, "suspend", by="sam", comment="Dues")

    affiliate.refresh_from_db()
    assert affiliate.status == Status.SUSPENDED
    assert "affiliated → suspended" in capsys.readouterr().out


def test_the_command_reports_a_refusal(south_asia, coordinator_south_asia):
    affiliate = AffiliateFactory(region=south_asia, status=Status.AFFILIATED)

    with pytest.raises(CommandError, match="Only international staff"):
        call_command("affiliate_transition", affiliate.reference, "suspend", by="asha", comment="x")


def test_the_command_reads_a_reference_as_typed_by_hand(south_asia, staff_user):
    affiliate = AffiliateFactory(region=south_asia, status=Status.AFFILIATED)
    typed = affiliate.reference.lower().replace("-", " ").replace("0", "o").replace("1", "l")

    call_command("affiliate_transition", typed, "suspend", by="sam", comment="Dues")

    affiliate.refresh_from_db()
    assert affiliate.status == Status.SUSPENDED
