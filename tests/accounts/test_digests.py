from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import tasks
from accounts.mail import digests, sending, subscriptions
from accounts.models import Biomarker, DigestDelivery, EmailPreferences, Visibility
from community.models import TeamMembership
from tests.articles.factories import PublishedArticleFactory, TopicFactory
from tests.community.factories import AnswerFactory, QuestionFactory, UpdateFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = DigestDelivery.Status


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(frequency="weekly"):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_digests", frequency=frequency, stdout=StringIO())

    return run


def sent_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_a_digest_shows_what_is_new_for_the_member_and_no_private_health_fields(run, settings, member, other_member):
    settings.SITE_URL = "https://kindred.example.org"
    biomarker = Biomarker.objects.exclude(code="none_unknown").first()
    for person, diagnosis, place in ((member, "sclc", "Leeds"), (other_member, "mesothelioma", "Bristol")):
        profile = person.profile
        profile.diagnosis, profile.location, profile.stage = diagnosis, place, "3"
        profile.diagnosis_visibility = profile.location_visibility = Visibility.ONLY_ME
        profile.save()
        profile.biomarkers.set([biomarker])
    topic = TopicFactory(name="Living with a targetable change", biomarker=biomarker)
    popular = QuestionFactory(author=other_member, topic=topic, title="What helped your appetite during treatment?")
    mine = QuestionFactory(author=member, title="Which stretches help after lung surgery?")
    AnswerFactory(question=mine, author=other_member, text="Gentle arm circles.")
    TeamMembership.objects.create(member=member, teammate=other_member)
    UpdateFactory(author=other_member, text="My private scan details are here.")
    article = PublishedArticleFactory(title="Understanding scan results", published_at=timezone.now())

    run()

    [message] = sent_to(member.email)
    html = message.alternatives[0].content
    assert message.alternatives[0].mimetype == "text/html"
    for part in (message.body, html):
        assert "Hello Ada" in part
        assert article.title in part and popular.title in part and mine.title in part
        assert "Ben answered" in part and "Ben shared an update" in part
        for private in (
            "Small cell",
            "Mesothelioma",
            biomarker.name,
            "Leeds",
            "Bristol",
            "Stage III",
            "private scan",
            other_member.email,
        ):
            assert private not in part
    assert f"https://kindred.example.org{article.get_absolute_url()}" in message.body
    assert "http://" not in html and 'href="/' not in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://kindred.example.org/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert DigestDelivery.objects.get(member=member).status == Status.SENT
    assert EmailPreferences.objects.get(user=member).last_digest_at is not None


def test_members_with_nothing_new_or_long_gone_are_skipped_with_a_reason(run):
    quiet = UserFactory()
    gone = UserFactory(last_login=timezone.now() - timedelta(days=200))
    never = UserFactory()
    EmailPreferences.objects.filter(user=never).update(digest_frequency="never")
    run()
    assert mail.outbox == []
    assert DigestDelivery.objects.get(member=quiet).reason == "Nothing new to show."
    assert DigestDelivery.objects.get(member=gone).reason.startswith("Not seen for 180 days")
    assert not DigestDelivery.objects.filter(member=never).exists()


def test_daily_and_weekly_go_to_the_members_who_chose_them(run):
    daily, weekly = UserFactory(), UserFactory()
    EmailPreferences.objects.filter(user=daily).update(digest_frequency="daily")
    PublishedArticleFactory(published_at=timezone.now())
    run("daily")
    assert [m.to for m in mail.outbox] == [[daily.email]]
    run("weekly")
    assert [m.to for m in mail.outbox] == [[daily.email], [weekly.email]]


def test_a_rerun_of_the_same_period_sends_nothing_twice(run):
    members = UserFactory.create_batch(3)
    PublishedArticleFactory(published_at=timezone.now())
    run()
    run()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
    assert DigestDelivery.objects.count() == 3


def test_a_crash_in_the_middle_of_a_batch_resumes_where_it_stopped(run, monkeypatch):
    members = UserFactory.create_batch(5)
    PublishedArticleFactory(published_at=timezone.now())
    real_send, calls = sending.send, []

    def crash_on_third(message):
        calls.append(message)
        if len(calls) == 3:
            raise RuntimeError("the worker died")
        real_send(message)

    monkeypatch.setattr(sending, "send", crash_on_third)
    run()
    assert len(mail.outbox) == 2
    assert DigestDelivery.objects.filter(status=Status.SENT).count() == 2
    assert DigestDelivery.objects.filter(status=Status.PENDING).count() == 3

    monkeypatch.setattr(sending, "send", real_send)
    run()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)


def test_a_temporary_smtp_failure_is_retried_later(run, smtp_sink, member):
    PublishedArticleFactory(published_at=timezone.now())
    smtp_sink.data_reply = "451 4.3.0 Mailbox busy, please try later"
    run()
    delivery = DigestDelivery.objects.get(member=member)
    assert delivery.status == Status.RETRY and delivery.attempts == 1
    assert "451" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now() + timedelta(minutes=10)

    smtp_sink.data_reply = None
    run()  # not due yet
    assert smtp_sink.received == []

    DigestDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    run()
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT and delivery.attempts == 2
    assert len(smtp_sink.received) == 1
    assert smtp_sink.received[0].rcpt_tos == [member.email]


def test_a_permanent_failure_marks_the_address_bouncing_until_it_changes(run, smtp_sink, member):
    PublishedArticleFactory(published_at=timezone.now())
    smtp_sink.rcpt_reply = "550 5.1.1 No such mailbox here"
    run()
    delivery = DigestDelivery.objects.get(member=member)
    assert delivery.status == Status.FAILED and "550" in delivery.last_error
    preferences = EmailPreferences.objects.get(user=member)
    assert preferences.is_bouncing(member.email)

    smtp_sink.rcpt_reply = None
    delivery.delete()
    run()
    assert DigestDelivery.objects.get(member=member).reason == "The address is bouncing."
    assert smtp_sink.received == []

    subscriptions.email_bounce_clear(member=member)  # what re-verifying or changing the address does
    DigestDelivery.objects.all().delete()
    run()
    assert len(smtp_sink.received) == 1


def test_digest_content_is_gathered_in_a_fixed_number_of_queries(member):
    def queries_for(count):
        for person in UserFactory.create_batch(count):
            QuestionFactory(author=person)
            AnswerFactory(question=QuestionFactory(author=person))
            UpdateFactory(author=person)
            TeamMembership.objects.create(member=person, teammate=member)
        DigestDelivery.objects.all().delete()
        ids = digests.plan("weekly")
        deliveries = list(DigestDelivery.objects.filter(pk__in=ids).select_related("member__email_preferences"))
        with CaptureQueriesContext(connection) as captured:
            digests.gather(deliveries, timezone.now())
        return len(captured)

    assert queries_for(2) == queries_for(8)


def test_answers_to_a_followed_question_come_in_the_digest(run, member, other_member, client):
    from community.models import QuestionFollow

    asker = UserFactory(display_name="Cora")
    question = QuestionFactory(author=asker, title="Did anyone keep working during radiotherapy?")
    client.force_login(member)
    client.post(f"/questions/{question.pk}/follow/")
    assert QuestionFollow.objects.filter(member=member, question=question).exists()
    AnswerFactory(question=question, author=other_member, text="Part-time, yes.")
    AnswerFactory(question=question, author=member, text="My own answer is not news to me.")

    run()

    [message] = sent_to(member.email)
    assert "Did anyone keep working during radiotherapy?" in message.body
    assert "Ben answered" in message.body
    assert message.body.count("Did anyone keep working") == 1

    client.post(f"/questions/{question.pk}/follow/")  # and unfollow
    assert not QuestionFollow.objects.filter(member=member, question=question).exists()


def test_the_asker_cannot_follow_their_own_question(client, member):
    question = QuestionFactory(author=member)
    client.force_login(member)
    response = client.post(f"/questions/{question.pk}/follow/", follow=True)
    assert "already" in response.content.decode()


def test_a_digest_batch_costs_fixed_queries_plus_four_per_member_whatever_each_digest_holds():
    biomarker = Biomarker.objects.exclude(code="none_unknown").first()
    topic = TopicFactory(biomarker=biomarker)
    PublishedArticleFactory(published_at=timezone.now())

    def queries_for(count, posts_each):
        DigestDelivery.objects.all().delete()
        people = UserFactory.create_batch(count)
        for person in people:
            person.profile.biomarkers.set([biomarker])
            for _ in range(posts_each):
                QuestionFactory(topic=topic)
                AnswerFactory(question=QuestionFactory(author=person))
                teammate = UserFactory()
                UpdateFactory(author=teammate)
                TeamMembership.objects.create(member=person, teammate=teammate)
        EmailPreferences.objects.exclude(user__in=people).update(digest_frequency="never")
        ids = digests.plan("weekly")
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as captured:
            digests.send_batch(ids)
        assert len(ids) == count and len(mail.outbox) == count
        # Each member's transaction is a savepoint inside the test's own: not a query in production.
        return len([q for q in captured if "SAVEPOINT" not in q["sql"]]), count

    few, few_members = queries_for(2, posts_each=1)
    many, many_members = queries_for(6, posts_each=3)
    # Gathering the batch's content is a fixed cost; each member then costs its lock (with the
    # preferences), its digest time, its delivery row and the one check every email passes (that
    # the address is not a remembered member's), however full each section is.
    assert many - few == 4 * (many_members - few_members)


def test_a_scheduler_can_enqueue_the_digest_run_as_a_task(django_capture_on_commit_callbacks):
    members = UserFactory.create_batch(2)
    PublishedArticleFactory(published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.send_digests.enqueue("weekly")
    assert result.return_value == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)


def test_a_digest_shows_nothing_by_or_under_someone_who_blocked_the_member_nor_under_a_removed_question(
    run, member, other_member, client
):
    from community import services as community_services
    from community.models import QuestionFollow

    blockers_question = QuestionFactory(author=other_member, title="Does the blocker's title leak?")
    removed = QuestionFactory(title="Was this removed question mentioned?")
    reachable = QuestionFactory(title="Which answers may the member read?")
    for question in (blockers_question, removed, reachable):
        QuestionFollow.objects.create(member=member, question=question)
    AnswerFactory(question=blockers_question, author=UserFactory(display_name="Dina"))
    AnswerFactory(question=removed, author=UserFactory(display_name="Eve"))
    AnswerFactory(question=reachable, author=other_member)
    AnswerFactory(question=reachable, author=UserFactory(display_name="Finn"))
    TeamMembership.objects.create(member=member, teammate=other_member)
    UpdateFactory(author=other_member, text="An update the member must not hear of.")
    removed.moderation_state = "removed"
    removed.save()
    community_services.member_block(blocker=other_member, blocked=member)

    run()

    [message] = sent_to(member.email)
    for part in (message.body, message.alternatives[0].content):
        assert "Finn answered" in part
        assert "blocker's title" not in part and "Dina" not in part
        assert "removed question" not in part and "Eve" not in part
        assert "Ben" not in part
