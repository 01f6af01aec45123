"""Member B changes the id in a URL to reach member A's private or removed things: refused, and nothing changes."""

import pytest
from django.test import Client

from accounts import data_export
from accounts import services as account_services
from accounts.models import DataExport, Notification, User
from articles.models import Article
from community import services
from community.models import (
    Answer,
    Appeal,
    Block,
    Comment,
    HelpfulVote,
    ModerationAction,
    ModerationState,
    Question,
    QuestionFollow,
    Reaction,
    Report,
    ReviewItem,
    TeamMembership,
    Update,
)
from community.moderation import services as moderation
from messaging.models import Conversation, Message, Participant
from tests.articles.factories import ArticleFactory, TopicFactory
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory, UpdateFactory
from tests.community.test_moderation import make_moderator, open_review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WATCHED = [
    User, Update, Comment, Question, Answer, Reaction, HelpfulVote, QuestionFollow, TeamMembership, Block, Report,
    ReviewItem, ModerationAction, Appeal, Notification, DataExport, Article, Conversation, Participant, Message,
]  # fmt: skip


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


def refused(response) -> bool:
    return response.status_code in (403, 404, 410) or (
        response.status_code == 302 and "/accounts/login/" not in response["Location"]
    )


@pytest.fixture
def alice(db):
    return UserFactory(display_name="Alice")


@pytest.fixture
def bob_client(db):
    bob = UserFactory(display_name="Bob")
    client = Client()
    client.force_login(bob)
    client.bob = bob
    return client


def _state(item, state):
    type(item).objects.filter(pk=item.pk).update(moderation_state=state)
    item.refresh_from_db()
    return item


def _attempts_on_items(alice):
    """(method, url, data) for everything B might try against A's hidden things."""
    attempts = []
    for state in (ModerationState.REMOVED, ModerationState.PENDING, ModerationState.HIDDEN):
        update = _state(UpdateFactory(author=alice), state)
        question = _state(QuestionFactory(author=alice), state)
        answer = _state(AnswerFactory(author=alice, question=QuestionFactory()), state)
        on_hidden_question = AnswerFactory(question=question)
        comment = _state(CommentFactory(author=alice), state)
        attempts += [
            ("get", f"/activities/{update.pk}/", {}),
            ("get", f"/activities/{update.pk}/edit/", {}),
            ("post", f"/activities/{update.pk}/edit/", {"text": "changed"}),
            ("post", f"/activities/{update.pk}/delete/", {}),
            ("post", f"/activities/{update.pk}/react/", {"kind": "hug"}),
            ("post", f"/activities/{update.pk}/comments/", {"text": "a comment"}),
            ("get", f"/questions/{question.pk}/", {}),
            ("get", question.get_absolute_url(), {}),
            ("post", question.get_absolute_url(), {"text": "an answer"}),
            ("post", f"/questions/{question.pk}/follow/", {}),
            ("post", f"/questions/{answer.question_id}/answers/{answer.pk}/helpful/", {}),
            ("post", f"/questions/{answer.question_id}/answers/{answer.pk}/comments/", {"text": "a comment"}),
            ("post", f"/questions/{question.pk}/answers/{on_hidden_question.pk}/helpful/", {}),
            ("post", f"/questions/{question.pk}/answers/{on_hidden_question.pk}/comments/", {"text": "a comment"}),
            ("post", f"/comments/{comment.pk}/delete/", {}),
            *[
                (method, f"/report/{kind}/{item.pk}/", {"reason": "spam", "note": "x"})
                for kind, item in (("update", update), ("question", question), ("answer", answer), ("comment", comment))
                for method in ("get", "post")
            ],
        ]
    return attempts


def test_b_cannot_reach_a_s_removed_pending_or_hidden_items(alice, bob_client):
    attempts = _attempts_on_items(alice)
    before = snapshot()
    for method, url, data in attempts:
        response = getattr(bob_client, method)(url, data)
        assert refused(response), (method, url, response.status_code)
        assert snapshot() == before, (method, url)


def test_b_cannot_edit_delete_or_answer_for_a_s_visible_items(alice, bob_client):
    update = UpdateFactory(author=alice)
    comment = CommentFactory(author=alice, update=update)
    question = QuestionFactory(author=alice)
    answer = AnswerFactory(question=question)
    attempts = [
        ("get", f"/activities/{update.pk}/edit/", {}),
        ("post", f"/activities/{update.pk}/edit/", {"text": "changed"}),
        ("get", f"/activities/{update.pk}/delete/", {}),
        ("post", f"/activities/{update.pk}/delete/", {}),
        ("post", f"/comments/{comment.pk}/delete/", {}),
        ("post", f"/questions/{question.pk}/answers/{answer.pk}/accept/", {}),
        # An answer id under the wrong question.
        ("post", f"/questions/{QuestionFactory().pk}/answers/{answer.pk}/helpful/", {}),
    ]
    before = snapshot()
    for method, url, data in attempts:
        response = getattr(bob_client, method)(url, data)
        assert response.status_code in (403, 404), (method, url, response.status_code)
        assert snapshot() == before, (method, url)


def test_a_member_who_blocked_b_is_out_of_b_s_reach(alice, bob_client):
    services.member_block(blocker=alice, blocked=bob_client.bob)
    update = UpdateFactory(author=alice)
    question = QuestionFactory(author=alice)
    answer = AnswerFactory(author=alice, question=QuestionFactory())
    attempts = [
        ("get", f"/members/{alice.pk}/", {}),
        ("get", f"/activities/{update.pk}/", {}),
        ("post", f"/activities/{update.pk}/react/", {"kind": "hug"}),
        ("post", f"/activities/{update.pk}/comments/", {"text": "hello"}),
        ("get", question.get_absolute_url(), {}),
        ("post", f"/questions/{question.pk}/follow/", {}),
        ("post", f"/questions/{answer.question_id}/answers/{answer.pk}/comments/", {"text": "hello"}),
        ("post", f"/members/{alice.pk}/team/", {}),
    ]
    before = snapshot()
    for method, url, data in attempts:
        response = getattr(bob_client, method)(url, data)
        assert refused(response), (method, url, response.status_code)
        assert snapshot() == before, (method, url)


def test_b_cannot_use_a_s_moderation_appeals_notifications_or_export(alice, bob_client, settings):
    update = UpdateFactory(author=alice)
    moderator = make_moderator()
    moderation.report_create(reporter=moderator, item=update, reason="spam")
    review = open_review(update)
    action = moderation.review_remove(moderator=make_moderator(), review=review, reason_code="spam")
    review = ReviewItem.objects.create(
        content_type=review.content_type, object_id=UpdateFactory().pk, author=alice, reason=review.reason
    )
    appeal = moderation.appeal_create(member=alice, action=action, text="Please look again")
    account_services.notification_create(recipient_id=alice.pk, kind=Notification.Kind.ANSWER, message="For Alice")
    export = DataExport.objects.create(member=alice, token_hash=data_export.token_hash("alices-token"))
    inactive = UserFactory(is_active=False)
    attempts = [
        ("get", f"/appeals/new/{action.pk}/", {}),
        ("post", f"/appeals/new/{action.pk}/", {"text": "not mine"}),
        ("get", f"/moderation/appeals/{appeal.pk}/", {}),
        ("post", f"/moderation/appeals/{appeal.pk}/", {"decision": "restore"}),
        ("post", f"/moderation/review/{review.pk}/", {"action": "remove", "reason_code": "spam"}),
        ("post", "/moderation/bulk/", {"review": [review.pk], "action": "remove"}),
        ("get", "/settings/privacy/export/alices-token/", {}),
        ("get", f"/members/{inactive.pk}/", {}),
        ("post", f"/members/{inactive.pk}/team/", {}),
        ("post", f"/members/{inactive.pk}/block/", {}),
        ("get", f"/report/member/{inactive.pk}/", {}),
        ("get", f"/articles/{ArticleFactory(status=Article.Status.DRAFT).slug}/", {}),
        ("post", f"/articles/{ArticleFactory(status=Article.Status.DRAFT).slug}/comments/", {"text": "x"}),
        ("get", "/topics/no-such-topic/", {}),
        ("get", "/treatments/no-such-treatment/", {}),
    ]
    before = snapshot()
    for method, url, data in attempts:
        response = getattr(bob_client, method)(url, data)
        assert refused(response), (method, url, response.status_code)
        assert snapshot() == before, (method, url)
    # Marking "all read" marks B's own notifications only.
    unread = Notification.objects.filter(recipient=alice, read_at__isnull=True).count()
    assert unread >= 1
    bob_client.post("/notifications/", {})
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == unread
    export.refresh_from_db()
    assert export.downloaded_at is None


def test_a_topic_hub_does_not_list_a_s_removed_question(alice, bob_client):
    topic = TopicFactory()
    question = _state(QuestionFactory(author=alice, topic=topic, title="A secret removed question"), "removed")
    response = bob_client.get(f"/topics/{topic.slug}/")
    assert response.status_code == 200
    assert question.title.encode() not in response.content
