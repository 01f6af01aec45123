"""Building and sending the emails accounts owns. All mail goes through Django's MAILERS."""

import logging
import smtplib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.mail import tokens
from accounts.models import User

MAILER = "default"
logger = logging.getLogger(__name__)


def base_context() -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "preferences_url": tokens.absolute(reverse("email_preferences")),
    }


def build(
    *, template: str, to: str, subject: str, context: dict, unsubscribe_token: str | None = None
) -> EmailMultiAlternatives:
    """A message with a plain-text and an HTML part from templates/accounts/email/<template>.txt|html.

    A bulk email passes `unsubscribe_token`: it gets RFC 8058 one-click unsubscribe headers and
    the same link in its footer."""
    context = {**base_context(), **context}
    headers = {}
    if unsubscribe_token:
        url = tokens.unsubscribe_url(unsubscribe_token)
        context["unsubscribe_url"] = url
        headers = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    text = render_to_string(f"accounts/email/{template}.txt", context)
    html = render_to_string(f"accounts/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


# The connection `one_connection()` holds open for the messages sent inside it.
_open_mailer: ContextVar = ContextVar("open_mailer", default=None)


def goes_to_remembered_member(addresses) -> bool:
    """Whether any address belongs to a member who has died (memorial status): no email of any
    kind goes there, whatever sends it."""
    # On lower(email), the expression the unique index is built on: one index lookup per email.
    return (
        User.objects.annotate(address=Lower("email"))
        .filter(address__in=[a.lower() for a in addresses], remembered_at__isnull=False)
        .exists()
    )


def send(message: EmailMultiAlternatives) -> None:
    """Every email Kindred writes goes out here (allauth's go through accounts.adapter, which asks
    the same question first)."""
    if goes_to_remembered_member(message.to):
        logger.info("Not sent: the address belongs to a remembered member.")
        return
    mailer = _open_mailer.get()
    if mailer is None:
        mail.mailers[MAILER].send_messages([message])
        return
    try:
        mailer.open()  # again after a failure closed it; a no-op while it is open
        mailer.send_messages([message])
    except Exception:
        # The server may have dropped us: the next message starts on a fresh connection.
        mailer.close()
        raise


@contextmanager
def one_connection():
    """Send every message inside on one connection to the mail server instead of one each: a
    digest batch sends hundreds, and a connection costs more than a message."""
    mailer = mail.mailers[MAILER]
    token = _open_mailer.set(mailer)
    try:
        yield
    finally:
        _open_mailer.reset(token)
        mailer.close()


@dataclass(frozen=True)
class DeliveryProblem:
    permanent: bool
    detail: str


def classify_failure(error: Exception) -> DeliveryProblem | None:
    """A failure the mail server told us about: permanent (5xx) or temporary (4xx, connection
    trouble). None for anything else, which is a bug to let crash."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        detail = "; ".join(f"{code} {msg.decode(errors='replace')}" for code, msg in error.recipients.values())
        return DeliveryProblem(permanent=bool(codes) and all(code >= 500 for code in codes), detail=detail)
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        if isinstance(message, bytes):
            message = message.decode(errors="replace")
        return DeliveryProblem(permanent=error.smtp_code >= 500, detail=f"{error.smtp_code} {message}")
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return DeliveryProblem(permanent=False, detail=f"{type(error).__name__}: {error}")
    return None
