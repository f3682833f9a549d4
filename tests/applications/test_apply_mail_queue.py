"""An application answers at once, with its reference, however slow the mail server is: the
mails wait in the queue for the worker (core.mail)."""

import socket
import time

import pytest
from django.urls import reverse
from django_tasks.backends.database.models import DBTaskResult

from affiliates.models import Affiliate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def hung_mail_server(settings):
    """A mail server that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = listener.getsockname()[1]
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
        yield listener


def test_an_application_answers_at_once_while_the_mail_server_hangs(
    csrf_client,
    application,
    coordinator_south_asia,
    hung_mail_server,
    django_capture_on_commit_callbacks,
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_client.submit("/apply/", application)
    # Well under the 5 s the mail server could hold it: the mail waits in the queue, not the
    # request (the margin is for a loaded machine).
    assert time.monotonic() - started < 4

    assert response.status_code == 302
    assert response.url == reverse("applications:thanks")
    affiliate = Affiliate.objects.get(name=application["name"])
    assert affiliate.reference in csrf_client.get(response.url).content.decode()
    # The applicant's and the coordinator's mails wait in the queue.
    queued = [task.args_kwargs["args"][0]["to"] for task in DBTaskResult.objects.ready()]
    assert sorted(queued) == [["asha@example.org"], ["rukhsana@example.org"]]
