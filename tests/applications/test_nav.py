import pytest

pytestmark = pytest.mark.django_db


def test_everyone_is_invited_to_apply(client, south_asia):
    assert 'href="/apply/"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "person, shown",
    [(None, False), ("coordinator_south_asia", True), ("staff_user", True)],
)
def test_the_applications_link_is_for_reviewers(client, request, person, shown):
    if person:
        client.force_login(request.getfixturevalue(person))

    content = client.get("/apply/").content.decode()

    assert ('href="/workspace/applications/"' in content) is shown
