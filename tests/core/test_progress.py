"""Long commands show a progress bar with counts on a terminal, and only plain lines in a log."""

import io
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.services import notification_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(command, monkeypatch, *, terminal: bool, **options) -> tuple[str, str]:
    err = Terminal() if terminal else StringIO()
    out = StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    call_command(command, stdout=out, **options)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("terminal", [True, False])
def test_sending_notification_emails_shows_a_bar_only_on_a_terminal(monkeypatch, settings, terminal):
    settings.NOTIFICATION_EMAIL_INTERVAL_MINUTES = 0
    for member in UserFactory.create_batch(3):
        notification_create(recipient_id=member.pk, kind="answer", message="Someone answered", by_email=True)
    out, err = run("send_notification_emails", monkeypatch, terminal=terminal)
    assert out.strip()  # the plain summary line, always
    if terminal:
        assert "Notification emails" in err and "3/3" in err
    else:
        assert err == ""


@pytest.mark.parametrize("terminal", [True, False])
def test_digests_show_a_bar_only_on_a_terminal(monkeypatch, terminal):
    UserFactory.create_batch(2)
    out, err = run("send_digests", monkeypatch, terminal=terminal, frequency="weekly")
    assert "weekly digest(s) enqueued" in out
    assert ("Weekly digests" in err) is terminal


@pytest.mark.parametrize("terminal", [True, False])
def test_seed_scale_shows_a_bar_only_on_a_terminal(monkeypatch, terminal):
    out, err = run(
        "seed_scale",
        monkeypatch,
        terminal=terminal,
        members=20,
        articles=2,
        questions=5,
        answers=5,
        comments=5,
        updates=5,
        messages=20,
    )
    assert "Loaded" in out
    assert ("seed_scale" in err and "row" in err) is terminal
