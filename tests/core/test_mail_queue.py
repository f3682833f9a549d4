"""Mail never lost: messages wait in the database queue while the mail server is down, and the
worker (`manage.py db_worker`) delivers every one, exactly once, after it returns."""

import socket
import socketserver
import threading
from datetime import timedelta
from email import message_from_bytes

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django_tasks.backends.database.models import DBTaskResult

from core import mail

pytestmark = pytest.mark.django_db(transaction=True)


class _Handler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: greet, accept one message per DATA, record it."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line.strip().split(b" ")[0].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received.append(message_from_bytes(data))  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # EHLO, HELO, MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


class MailServer:
    """An SMTP server on loopback that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.received: list = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> None:
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), _Handler)
        self.server.daemon_threads = True
        self.server.received = self.received  # type: ignore[attr-defined]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()
        self.server = None


@pytest.fixture
def smtp(settings):
    server = MailServer()
    server.start()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2
    settings.MAIL_ATTEMPTS = 5
    yield server
    if server.server is not None:
        server.stop()


def _worker(max_tasks: int | None = None) -> None:
    """`manage.py db_worker` until the queue has nothing ready (or after max_tasks tasks)."""
    options = {"batch": True, "interval": 0, "startup_delay": False, "reload": False}
    if max_tasks is not None:
        options["max_tasks"] = max_tasks
    call_command("db_worker", verbosity=0, **options)


def _subjects(server: MailServer) -> list[str]:
    return sorted(str(message["Subject"]) for message in server.received)


def test_every_mail_is_delivered_once_after_the_mail_server_comes_back(smtp, clock, caplog):
    subjects = [f"Application HN-{n:03}" for n in range(8)]
    for subject in subjects:
        mail.queue(EmailMessage(subject, "Body", to=[f"person{subject[-3:]}@example.org"]))
    # Queuing is a row in the database: nothing is sent yet.
    assert smtp.received == []
    assert DBTaskResult.objects.ready().count() == 8

    _worker(max_tasks=3)
    assert len(smtp.received) == 3

    smtp.stop()  # the mail server goes down mid-way
    _worker()
    assert len(smtp.received) == 3
    assert DBTaskResult.objects.filter(status="FAILED").count() == 5
    # Each failure is logged and its mail put back in the queue for later, not lost.
    assert caplog.text.count("trying again in 0:01:00") == 5
    assert DBTaskResult.objects.filter(status="READY").count() == 5
    assert DBTaskResult.objects.ready().count() == 0  # not before the wait is over

    smtp.start()  # the mail server returns
    clock.shift(timedelta(minutes=2))
    _worker()
    assert _subjects(smtp) == subjects  # every one, exactly once
    assert DBTaskResult.objects.filter(status="READY").count() == 0


def test_waits_grow_and_the_queue_gives_up_after_the_last_attempt(smtp, clock, caplog, settings):
    settings.MAIL_ATTEMPTS = 3
    assert [mail.retry_wait(n) for n in (1, 2, 3)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert mail.retry_wait(20) == timedelta(hours=6)
    smtp.stop()
    mail.queue(EmailMessage("Decision", "Body", to=["applicant@example.org"]))
    for wait in (0, 1, 2, 4):
        clock.shift(timedelta(minutes=wait, seconds=1))
        _worker()
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3
    assert DBTaskResult.objects.filter(status="READY").count() == 0
    assert "failed (attempt 3 of 3" in caplog.text
    assert "giving up" in caplog.text
