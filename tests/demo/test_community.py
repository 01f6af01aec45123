import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from accounts.models import User
from community.models import Answer, Comment, HelpfulVote, Question, Reaction, TeamMembership, Update
from demo import community as demo

pytestmark = pytest.mark.django_db

MODELS = (Update, Question, Answer, Comment, Reaction, HelpfulVote, TeamMembership, User)


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Sixteen demo log-ins: a fast hasher keeps these tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=io.StringIO())
    return settings


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_twice_adds_nothing_the_second_time(seeded, capsys):
    first = _counts()
    assert first["Update"] >= 30
    assert first["Question"] >= 10
    assert first["Answer"] >= 10
    assert Answer.objects.filter(is_accepted=True).count() == 1
    assert Question.objects.filter(is_anonymous=True).exists()
    assert Question.objects.filter(answer_count=0).exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(article__isnull=False).exists()
    assert Comment.objects.filter(answer__isnull=False).exists()

    call_command("seed_demo")
    assert _counts() == first
    out = capsys.readouterr().out
    assert "nothing added" in out
    assert "Demo logins" not in out
    assert demo.seed() == {}


def test_counters_match_rows(seeded):
    reactions = Counter(Reaction.objects.values_list("update_id", "kind"))
    comments = Counter(
        Comment.objects.filter(update__isnull=False, is_removed=False).values_list("update_id", flat=True)
    )
    for update in Update.objects.all():
        assert update.hug_count == reactions[(update.pk, "hug")], update.pk
        assert update.like_count == reactions[(update.pk, "like")], update.pk
        assert update.thanks_count == reactions[(update.pk, "thanks")], update.pk
        assert update.comment_count == comments[update.pk], update.pk

    votes = Counter(HelpfulVote.objects.values_list("answer_id", flat=True))
    answer_comments = Counter(
        Comment.objects.filter(answer__isnull=False, is_removed=False).values_list("answer_id", flat=True)
    )
    for answer in Answer.objects.all():
        assert answer.helpful_count == votes[answer.pk], answer.pk
        assert answer.comment_count == answer_comments[answer.pk], answer.pk
        assert not answer.helpful_votes.filter(member=answer.author).exists()

    for question in Question.objects.all():
        assert question.answer_count == question.answers.count(), question.pk
        assert question.helpful_count == sum(a.helpful_count for a in question.answers.all()), question.pk
        assert Question.TITLE_MIN <= len(question.title) <= Question.TITLE_MAX
        assert question.slug


def test_content_is_plausible(seeded):
    now = timezone.now()
    assert not Update.objects.filter(created_at__gt=now).exists()
    assert not Comment.objects.filter(created_at__gt=now).exists()
    for comment in Comment.objects.select_related("parent"):
        if comment.parent:
            assert comment.parent.parent_id is None
            assert comment.created_at >= comment.parent.created_at
    for answer in Answer.objects.select_related("question"):
        assert answer.created_at >= answer.question.created_at
    # Posts never predate the member who wrote them.
    for update in Update.objects.select_related("author"):
        assert update.author.date_joined < update.created_at


def test_every_update_has_text_or_a_clean_described_picture(seeded):
    updates = list(Update.objects.all())
    pictured = [u for u in updates if u.picture]
    assert pictured
    assert any(not u.text for u in pictured)
    for update in updates:
        assert update.text or update.picture, update.pk
    for update in pictured:
        assert update.picture.name.startswith("updates/")
        assert update.picture.name.endswith(".webp")
        assert len(update.picture_alt) >= 20, update.pk
        assert (update.picture_width, update.picture_height) == (1200, 800)
        with update.picture.open("rb") as file, Image.open(file) as image:
            assert image.format == "WEBP"
            assert not image.getexif()
            assert "exif" not in image.info
            assert "xmp" not in image.info
