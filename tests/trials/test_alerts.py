"""Trial alerts: opt-in with health consent, in the member's digest, each trial once, never a
biomarker in the subject or first line, and stopped at once by withdrawing consent or clearing
biomarkers."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts import services as account_services
from accounts.mail import subscriptions
from accounts.models import Biomarker, DigestDelivery, EmailPreferences
from tests.factories import UserFactory
from tests.trials.factories import make_trial
from trials.models import TrialAlertDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_digests", frequency="weekly", stdout=StringIO())

    return run


def member_wanting_alerts(codes=("EGFR",)):
    member = UserFactory(display_name="Ada")
    member.profile.biomarkers.set(Biomarker.objects.filter(code__in=codes))
    subscriptions.email_preferences_update(actor=member, member=member, values={"trial_alerts": True})
    return member


def digest_for(member):
    [message] = [m for m in mail.outbox if m.to == [member.email]]
    return message


def test_a_new_matching_trial_reaches_the_member_once_in_their_digest(run):
    member = member_wanting_alerts()
    trial = make_trial(title="A tablet for EGFR exon 19 deletion", biomarkers=["EGFR"])
    other = make_trial(title="A study for ALK-positive cancer", biomarkers=["ALK"])

    run()
    message = digest_for(member)
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert trial.brief_title in body and trial.nct_id in body and other.brief_title not in body
        assert "Only your care team can tell whether a trial fits you." in body
    # Neither the subject nor the first line names a biomarker or a diagnosis.
    first_line = message.body.strip().splitlines()[0]
    for word in ("EGFR", "ALK", "exon", "cancer"):
        assert word not in message.subject and word not in first_line
    assert TrialAlertDelivery.objects.filter(member=member, trial=trial).exists()

    # Next week: the same trial is not told again, even if the member's digest time were reset.
    mail.outbox.clear()
    DigestDelivery.objects.all().delete()
    EmailPreferences.objects.filter(user=member).update(last_digest_at=timezone.now() - timedelta(days=8))
    run()
    assert all(trial.brief_title not in m.body for m in mail.outbox)


def test_alerts_are_off_by_default_and_offered_only_with_health_consent(run):
    member = UserFactory()
    member.profile.biomarkers.set(Biomarker.objects.filter(code="EGFR"))
    trial = make_trial(biomarkers=["EGFR"], title="Not asked for")
    run()
    assert all(trial.brief_title not in m.body for m in mail.outbox)

    no_consent = UserFactory(health_consent=False)
    client = Client()
    client.force_login(no_consent)
    assert "trial_alerts" not in client.get("/settings/email/").content.decode()
    with pytest.raises(ValidationError):
        subscriptions.email_preferences_update(actor=no_consent, member=no_consent, values={"trial_alerts": True})
    client.force_login(member)
    page = client.get("/settings/email/").content.decode()
    assert "Tell me about new recruiting trials that match my biomarkers" in page


def test_withdrawing_consent_stops_the_alerts_at_once(run):
    member = member_wanting_alerts()
    trial = make_trial(biomarkers=["EGFR"], title="After withdrawal")
    account_services.health_consent_withdraw(member=member)
    run()
    assert all(trial.brief_title not in m.body for m in mail.outbox)
    assert not TrialAlertDelivery.objects.exists()


def test_clearing_biomarkers_stops_the_alerts_at_once(run):
    member = member_wanting_alerts()
    member.profile.biomarkers.clear()
    trial = make_trial(biomarkers=["EGFR"], title="After clearing")
    run()
    assert all(trial.brief_title not in m.body for m in mail.outbox)


def test_a_trial_that_started_recruiting_before_the_last_digest_is_not_news(run):
    member = member_wanting_alerts()
    EmailPreferences.objects.filter(user=member).update(last_digest_at=timezone.now() - timedelta(days=1))
    old = make_trial(biomarkers=["EGFR"], title="Old news", recruiting_since=timezone.now() - timedelta(days=3))
    new = make_trial(biomarkers=["EGFR"], title="Fresh news")
    run()
    body = digest_for(member).body
    assert new.brief_title in body and old.brief_title not in body
