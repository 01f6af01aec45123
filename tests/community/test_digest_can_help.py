"""The digest's "Questions you might be able to help with": unanswered questions of the last two
weeks that match what the member shares visibly, at most three, never their own, never across a block."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Biomarker, Visibility
from articles.models import Treatment
from community.models import Block, Question
from tests.articles.factories import TopicFactory
from tests.community.factories import AnswerFactory, QuestionFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run():
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_digests", frequency="weekly", stdout=StringIO())

    return run


def section_of(member) -> str:
    [message] = [m for m in mail.outbox if m.to == [member.email]]
    body = message.body
    if "Questions you might be able to help with" not in body:
        return ""
    return body.split("Questions you might be able to help with")[1].split("\n\n")[0]


@pytest.fixture
def alk_member():
    member = UserFactory(display_name="Ada")
    member.profile.biomarkers.set(Biomarker.objects.filter(code="ALK"))
    member.profile.medicines.set(Treatment.objects.filter(slug="osimertinib"))
    return member


def ask(title, *, topic=None, author=None, days_ago=1, details=""):
    question = QuestionFactory(title=title, topic=topic, details=details, **({"author": author} if author else {}))
    Question.objects.filter(pk=question.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return question


def test_unanswered_questions_matching_what_the_member_shares_oldest_first_at_most_three(run, alk_member):
    alk = TopicFactory(name="ALK", slug="alk", biomarker=Biomarker.objects.get(code="ALK"))
    egfr = TopicFactory(name="EGFR", slug="egfr", biomarker=Biomarker.objects.get(code="EGFR"))
    ask("Oldest ALK question", topic=alk, days_ago=10)
    ask("Does Tagrisso make you tired?", days_ago=6)  # a brand of osimertinib, a medicine she lists
    ask("Second ALK question", topic=alk, days_ago=5)
    ask("Newest ALK question", topic=alk, days_ago=2)  # a fourth: left out
    ask("An EGFR question", topic=egfr, days_ago=3)
    ask("Too old ALK question", topic=alk, days_ago=20)
    answered = ask("Answered ALK question", topic=alk, days_ago=4)
    AnswerFactory(question=answered)
    ask("Her own ALK question", topic=alk, author=alk_member, days_ago=3)
    run()
    section = section_of(alk_member)
    assert section.index("Oldest ALK question") < section.index("Does Tagrisso make you tired?")
    assert section.index("Does Tagrisso make you tired?") < section.index("Second ALK question")
    for absent in ("Newest ALK question", "An EGFR question", "Too old", "Answered ALK", "Her own"):
        assert absent not in section


def test_only_fields_the_member_left_visible_count(run, alk_member):
    alk = TopicFactory(name="ALK", slug="alk", biomarker=Biomarker.objects.get(code="ALK"))
    ask("An ALK question", topic=alk)
    alk_member.profile.biomarkers_visibility = Visibility.ONLY_ME
    alk_member.profile.save()
    run()
    assert "An ALK question" not in section_of(alk_member)


def test_never_a_question_from_someone_on_either_side_of_a_block(run, alk_member):
    alk = TopicFactory(name="ALK", slug="alk", biomarker=Biomarker.objects.get(code="ALK"))
    blocker = UserFactory()
    ask("From someone who blocked her", topic=alk, author=blocker)
    ask("From someone else", topic=alk)
    Block.objects.create(blocker=blocker, blocked=alk_member)
    run()
    section = section_of(alk_member)
    assert "From someone else" in section and "From someone who blocked her" not in section
