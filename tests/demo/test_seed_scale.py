import re
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from accounts.models import EmailPreferences, HealthDataConsent, Notification, Profile, User
from articles.models import Article
from community.counters import COUNTED_STATES
from community.models import (
    Answer,
    Block,
    Comment,
    HelpfulVote,
    Question,
    QuestionFollow,
    Reaction,
    TeamMembership,
    Update,
)
from community.selectors import ANSWERS_PER_PAGE
from demo import scale
from messaging import selectors as messaging_selectors
from messaging.models import Conversation, Message, Participant

pytestmark = pytest.mark.django_db

SMALL = {
    "members": 50,
    "articles": 12,
    "questions": 60,
    "answers": 300,
    "comments": 900,
    "updates": 40,
    "messages": 1200,
}
PASSWORD = "scale-bench-password"


@pytest.fixture
def seeded():
    out = StringIO()
    call_command("seed_scale", **SMALL, password=PASSWORD, stdout=out)
    return out.getvalue()


def test_a_small_run_loads_the_counts_asked_with_search_vectors_filled(seeded):
    assert User.objects.filter(email__endswith=f"@{scale.EMAIL_DOMAIN}").count() == SMALL["members"]
    assert Article.objects.count() == SMALL["articles"]
    assert Question.objects.count() == SMALL["questions"]
    assert Answer.objects.count() == SMALL["answers"]
    assert Comment.objects.count() == SMALL["comments"]
    assert Update.objects.count() == SMALL["updates"]
    for model in (Article, Question, Answer, Update, Comment):
        assert not model.objects.filter(search_vector__isnull=True).exists(), model.__name__
    # The GIN indexes dropped for the load are back.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE '%%USING gin%%'",
            [scale.SEARCH_TABLES],
        )
        assert cursor.fetchone()[0] == 2 * len(scale.SEARCH_TABLES)
    for table in ("members", "answers", "comments", "notifications"):
        assert table in seeded
    assert Reaction.objects.exists() and HelpfulVote.objects.exists() and Notification.objects.exists()
    assert QuestionFollow.objects.exists() and TeamMembership.objects.exists()


def test_the_busy_question_has_its_two_hundred_answers_each_with_comments(seeded):
    busy = Question.objects.get(title=scale.BUSY_QUESTION_TITLE)
    assert busy.get_absolute_url() in seeded
    answers = busy.answers.all()
    assert answers.count() == busy.answer_count == scale.BUSY_ANSWERS
    assert not answers.exclude(moderation_state="visible").exists()
    assert not answers.annotate(n=Count("comments")).filter(n__lt=scale.BUSY_COMMENTS_PER_ANSWER).exists()


def test_every_row_keeps_the_rules_the_services_keep(seeded):
    counted = Q(moderation_state__in=COUNTED_STATES)
    assert not Question.objects.annotate(
        n=Count("answers", filter=Q(answers__moderation_state__in=COUNTED_STATES))
    ).exclude(answer_count=F("n"))
    assert not Answer.objects.annotate(
        n=Count("comments", filter=Q(comments__moderation_state__in=COUNTED_STATES))
    ).exclude(comment_count=F("n"))
    assert not Update.objects.annotate(
        n=Count("comments", filter=Q(comments__moderation_state__in=COUNTED_STATES))
    ).exclude(comment_count=F("n"))
    for kind in ("hug", "like", "thanks"):
        assert not Update.objects.annotate(n=Count("reactions", filter=Q(reactions__kind=kind))).exclude(
            **{f"{kind}_count": F("n")}
        )
    assert not Answer.objects.annotate(n=Count("helpful_votes")).exclude(helpful_count=F("n"))
    assert not Question.objects.annotate(n=Count("answers__helpful_votes")).exclude(helpful_count=F("n"))
    assert Comment.objects.filter(counted).exists()

    # Replies sit under the same item as the comment they answer, one level deep.
    replies = Comment.objects.filter(parent__isnull=False).select_related("parent")
    assert replies.exists()
    for reply in replies:
        assert reply.parent.parent_id is None
        assert (reply.article_id, reply.update_id, reply.answer_id) == (
            reply.parent.article_id,
            reply.parent.update_id,
            reply.parent.answer_id,
        )
    # Nobody follows their own question, votes for their own answer or reacts to their own update.
    assert not QuestionFollow.objects.filter(member=F("question__author")).exists()
    assert not HelpfulVote.objects.filter(member=F("answer__author")).exists()
    assert not Reaction.objects.filter(member=F("update__author")).exists()
    assert not TeamMembership.objects.filter(teammate__profile__team_add_policy="nobody").exists()

    members = User.objects.filter(email__endswith=f"@{scale.EMAIL_DOMAIN}")
    assert Profile.objects.filter(user__in=members).count() == members.count()
    assert EmailPreferences.objects.filter(user__in=members).count() == members.count()
    assert (
        EmailAddress.objects.filter(user__in=members, email=F("user__email"), primary=True).count() == members.count()
    )
    assert set(EmailPreferences.objects.values_list("digest_frequency", flat=True)) == {"daily", "weekly", "never"}
    # Health details only where the member consented to storing them.
    with_health = Profile.objects.filter(user__in=members).exclude(diagnosis="")
    assert with_health.exists()
    assert not with_health.exclude(user__health_consents__withdrawn_at__isnull=True).exists()
    assert HealthDataConsent.objects.filter(member__in=members).count() == with_health.count()
    # Posts come from verified members who are not banned.
    for model in (Question, Answer, Update, Comment):
        assert not model.objects.filter(author__banned_at__isnull=False).exists()
        assert not model.objects.exclude(author__emailaddress__verified=True).exists()
    # Digests have someone to skip: members not seen for longer than the inactivity limit.
    long_gone = timezone.now() - timedelta(days=settings.DIGEST_INACTIVE_DAYS)
    assert members.filter(last_login__lt=long_gone).exists()
    assert members.filter(last_login__gte=long_gone).count() > members.count() / 2


def test_pages_render_for_the_bench_member_who_logs_in_with_the_password(seeded, client):
    assert client.login(email=scale.BENCH_MEMBER_EMAIL, password=PASSWORD)
    busy = Question.objects.get(title=scale.BUSY_QUESTION_TITLE)
    for url in ("/activities/", "/questions/", "/notifications/", busy.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(busy.get_absolute_url()).content.decode()
    # A full page of answers, and more pages after it.
    assert len(re.findall(r'id="answer-\d+"', page)) == ANSWERS_PER_PAGE
    assert "Next page" in page


def test_private_messages_keep_the_rules_the_services_keep(seeded):
    assert Message.objects.count() == SMALL["messages"]
    conversations = Conversation.objects.annotate(
        first=Min("messages__created_at"),
        last=Max("messages__created_at"),
        places=Count("participants", distinct=True),
    )
    assert conversations.count() > 50
    # Each conversation's first message starts it, its newest is its last_message_at, and both
    # members have a place in it; the first writer is one of the two.
    assert not conversations.exclude(first=F("created_at"))
    assert not conversations.exclude(last=F("last_message_at"))
    assert not conversations.exclude(places=2)
    assert not Conversation.objects.exclude(Q(started_by=F("member_low")) | Q(started_by=F("member_high")))
    assert not Participant.objects.exclude(
        Q(member=F("conversation__member_low")) | Q(member=F("conversation__member_high"))
    )
    assert not Message.objects.exclude(
        Q(author=F("conversation__member_low")) | Q(author=F("conversation__member_high"))
    )
    # A request (waiting or ignored) holds the one first message, from the member who did not receive it.
    requests = Participant.objects.exclude(state="accepted").select_related("conversation")
    assert requests.filter(state="pending").exists()
    for place in requests:
        authors = list(place.conversation.messages.values_list("author_id", flat=True))
        assert authors == [place.conversation.started_by_id] and place.member_id != authors[0]
        assert place.conversation.participants.get(member=authors[0]).state == "accepted"
    # Nobody's reading stops before their own last message; some conversations are unread.
    for place in Participant.objects.annotate(
        own_last=Max("conversation__messages__created_at", filter=Q(conversation__messages__author=F("member")))
    ):
        assert place.own_last is None or (place.last_read_at and place.last_read_at >= place.own_last)
    members_in_conversations = set(Participant.objects.values_list("member_id", flat=True))
    assert any(messaging_selectors.unread_count(member_id) for member_id in members_in_conversations)
    assert Message.objects.filter(deleted_at__isnull=False).exists()
    # Posts' rules: verified members who are not banned, and no conversation across a block.
    assert not Message.objects.filter(author__banned_at__isnull=False).exists()
    assert not Message.objects.exclude(author__emailaddress__verified=True).exists()
    for block in Block.objects.all():
        assert messaging_selectors.conversation_between(block.blocker_id, block.blocked_id) is None


def test_the_bench_member_has_an_inbox_and_the_long_conversation_and_can_write(seeded, client):
    bench = User.objects.get(email=scale.BENCH_MEMBER_EMAIL)
    longest = Conversation.objects.annotate(n=Count("messages")).order_by("-n").first()
    assert longest.n == SMALL["messages"] // 4
    assert bench.pk in (longest.member_low_id, longest.member_high_id)
    assert f"/messages/{longest.pk}/" in seeded
    assert not longest.participants.exclude(state="accepted").exists()
    # Every other scale member who may write (about 48 here, BENCH_CONVERSATIONS at full scale).
    assert Participant.objects.filter(member=bench).count() > 40

    assert client.login(email=scale.BENCH_MEMBER_EMAIL, password=PASSWORD)
    assert client.get("/messages/").status_code == 200
    page = client.get(f"/messages/{longest.pk}/").content.decode()
    assert "Show earlier messages" in page
    response = client.post(f"/messages/{longest.pk}/", {"text": "Thinking of you this week."})
    assert response.status_code == 302
    assert longest.messages.count() == longest.n + 1


def test_silly_counts_and_a_second_load_are_refused(seeded):
    with pytest.raises(CommandError, match="negative"):
        call_command("seed_scale", "--members=-5", stdout=StringIO())
    with pytest.raises(CommandError, match="Private messages need at least two members"):
        call_command("seed_scale", members=1, questions=0, answers=0, comments=0, updates=0, articles=0, messages=5)
    with pytest.raises(CommandError, match="Answers need at least one question"):
        call_command("seed_scale", members=5, questions=0, answers=3, comments=0, updates=0, articles=0)
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_scale", **SMALL, stdout=StringIO())


def test_the_newest_posts_are_spread_out_not_piled_on_one_moment():
    """As the scale data's 200,000 updates are drawn: a floor on their age once put 143 of them at
    the same moment, which no real feed has (and which made the feed read 138 rows for 21)."""
    counts = scale.Scale(members=100, articles=0, questions=0, answers=0, comments=0, updates=200_000)
    loader = scale._Loader(scale=counts, password=None, seed=scale.SEED, progress=print)
    ages = [loader.recent_age(1500) for _ in range(200_000)]
    assert min(ages) >= 60
    assert ages.count(min(ages)) == 1
    replies = [loader.later_age(age) for age in ages[:1000]]
    assert all(30 <= reply <= age for reply, age in zip(replies, ages[:1000], strict=True))
