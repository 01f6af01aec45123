"""A hand-counted week around Tuesday 10 March 2026 (the site's time zone is UTC). The expected
figures are written out next to each test, counted from the comments here."""

from datetime import UTC, date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType

from accounts.models import DigestDelivery, EmailPreferences, NewsletterSubscription, Notification
from community.models import ModerationState, Reaction, Update
from community.moderation.models import Report, ReviewItem
from tests.articles.factories import PublishedArticleFactory
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory, UpdateFactory
from tests.factories import UserFactory

DAY = date(2026, 3, 10)  # a Tuesday; its week starts on Monday 9 March


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def next_day(n: int = 1) -> date:
    return DAY + timedelta(days=n)


def build_week() -> dict:
    people = {
        # Joined on DAY: ada and ben. cy joined the day before; dan and eve long ago.
        "ada": UserFactory(display_name="Ada", date_joined=at(DAY, 9)),
        "ben": UserFactory(display_name="Ben", date_joined=at(DAY, 15)),
        "cy": UserFactory(display_name="Cy", date_joined=at(DAY - timedelta(days=1), 12)),
        "dan": UserFactory(display_name="Dan", date_joined=at(date(2025, 1, 1), 12)),
        "eve": UserFactory(display_name="Eve", date_joined=at(date(2025, 1, 1), 12)),
        "mod": UserFactory(display_name="Mo", date_joined=at(date(2025, 1, 1), 12)),
    }
    ada, ben, cy, dan, eve, mod = people.values()

    # Content on DAY: 2 updates, 4 questions (one later removed), 2 answers, 1 comment.
    ada_update = UpdateFactory(author=ada, created_at=at(DAY, 9, 30))
    UpdateFactory(author=ben, created_at=at(DAY, 16))
    q1 = QuestionFactory(author=cy, created_at=at(DAY, 8))
    q2 = QuestionFactory(author=ada, created_at=at(DAY, 12))
    QuestionFactory(author=ben, created_at=at(DAY, 20))  # never answered
    QuestionFactory(author=ben, created_at=at(DAY, 21), moderation_state=ModerationState.REMOVED)
    AnswerFactory(question=q1, author=ada, created_at=at(DAY, 10))  # 2 hours
    AnswerFactory(question=q2, author=ada, created_at=at(DAY, 12, 30))  # the asker's own: not an answer
    CommentFactory(update=ada_update, author=ben, created_at=at(DAY, 18))
    # Later the same week: cy answers q2 after 36 hours.
    AnswerFactory(question=q2, author=cy, created_at=at(next_day(2), 0))
    # The day before: cy's update. Dan reacts to ada's update on DAY.
    UpdateFactory(author=cy, created_at=at(DAY - timedelta(days=1), 11))
    Reaction.objects.create(member=dan, update=ada_update, kind="hug", created_at=at(DAY, 11))
    # The week before: ben (comes back this week) and eve (does not).
    old_update = UpdateFactory(author=ben, created_at=at(date(2026, 3, 5), 10))
    CommentFactory(update=old_update, author=eve, created_at=at(date(2026, 3, 4), 10))

    # Safety on DAY: 3 reports (2 spam, 1 self-harm); one medical report the day before.
    update_type = ContentType.objects.get_for_model(Update)
    for reporter, reason in [(ada, "spam"), (cy, "spam"), (dan, "self_harm")]:
        Report.objects.create(
            reporter=reporter, content_type=update_type, object_id=ada_update.pk, reason=reason, created_at=at(DAY, 13)
        )
    Report.objects.create(
        reporter=eve,
        content_type=update_type,
        object_id=ada_update.pk,
        reason="medical",
        created_at=at(DAY - timedelta(days=1), 13),
    )

    def review(number, reason, created, resolved=None, by=mod):
        return ReviewItem.objects.create(
            content_type=update_type,
            object_id=1000 + number,
            author=ada,
            reason=reason,
            created_at=created,
            resolved_at=resolved,
            resolved_by=by if resolved else None,
        )

    review(1, "reported", at(DAY - timedelta(days=1), 10), at(DAY, 10))  # decided on DAY after 24 h
    review(2, "crisis", at(DAY, 9), at(DAY, 9, 30))  # crisis, seen after 30 minutes
    review(3, "crisis", at(DAY, 22))  # crisis, not seen by the end of DAY
    review(4, "premoderation", at(DAY, 8), at(DAY, 14))  # decided on DAY after 6 h
    review(5, "signup", at(DAY, 23), at(next_day(), 1))  # waiting at the end of DAY

    # Email on DAY: 2 digests sent (ben's on a second attempt), 1 failed after 3 attempts; 2
    # notification emails sent, one still pending; dan's address bounced; one newsletter unsubscribe.
    DigestDelivery.objects.create(
        member=ada,
        frequency="daily",
        period_start=DAY,
        status="sent",
        attempts=1,
        created_at=at(DAY, 6),
        sent_at=at(DAY, 7),
    )
    DigestDelivery.objects.create(
        member=ben,
        frequency="daily",
        period_start=DAY,
        status="sent",
        attempts=2,
        created_at=at(DAY, 6),
        sent_at=at(DAY, 8),
    )
    DigestDelivery.objects.create(
        member=cy, frequency="daily", period_start=DAY, status="failed", attempts=3, created_at=at(DAY, 6)
    )
    for recipient, status in [(ada, "sent"), (ben, "sent"), (cy, "pending")]:
        Notification.objects.create(
            recipient=recipient,
            kind="answer",
            message="Someone answered",
            email_status=status,
            emailed_at=at(DAY, 19) if status == "sent" else None,
        )
    EmailPreferences.objects.filter(user=dan).update(bounced_email=dan.email, bounced_at=at(DAY, 5))
    NewsletterSubscription.objects.create(
        name="Reader", email="reader@example.com", confirmed_at=at(date(2026, 1, 1), 9), unsubscribed_at=at(DAY, 17)
    )

    # Articles: two published in March (one of them overdue for review since 5 March), one in
    # February that is not due until April.
    PublishedArticleFactory(published_at=at(date(2026, 3, 2), 9), review_due_at=at(date(2026, 3, 5), 9))
    PublishedArticleFactory(published_at=at(DAY, 9))
    PublishedArticleFactory(published_at=at(date(2026, 2, 10), 9), review_due_at=at(date(2026, 4, 1), 9))
    return people
