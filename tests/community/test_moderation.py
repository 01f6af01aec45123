"""Moderation services: reports and scoring, pre-moderation, link and duplicate holds, crisis care,
moderators' actions, the append-only audit log and appeals."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification
from community import selectors, services
from community.models import (
    Appeal,
    ModerationAction,
    ModerationState,
    Report,
    ReviewItem,
    Update,
)
from community.moderation import screening
from community.moderation import services as moderation
from community.moderation.selectors import review_page_context, review_queue
from tests.articles.factories import PublishedArticleFactory
from tests.community.factories import AnswerFactory, CommentFactory, QuestionFactory, UpdateFactory
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = ModerationAction.Kind


def give_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def make_moderator(**kwargs):
    return give_totp(ModeratorFactory(**kwargs))


def make_staff(**kwargs):
    return give_totp(UserFactory(is_staff=True, **kwargs))


def established(**kwargs):
    return UserFactory(date_joined=timezone.now() - timedelta(days=60), **kwargs)


def open_review(item) -> ReviewItem:
    return ReviewItem.objects.get(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk, resolved_at__isnull=True
    )


def has_open_review(item) -> bool:
    return ReviewItem.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk, resolved_at__isnull=True
    ).exists()


def report(item, reason="spam", note="", reporter=None):
    return moderation.report_create(reporter=reporter or UserFactory(), item=item, reason=reason, note=note)


def act(moderator, item, action, **kwargs):
    # One service per action: review_approve, review_remove, review_edit and so on.
    return getattr(moderation, f"review_{action}")(moderator=moderator, review=open_review(item), **kwargs)


def reload(item):
    item.refresh_from_db()
    return item


@pytest.fixture
def moderator(db):
    return make_moderator(display_name="Mo")


# Reports


def test_report_reasons_are_the_ones_the_issue_names():
    assert set(Report.Reason.values) == {"spam", "medical", "harassment", "self_harm", "privacy", "other"}


def test_other_needs_a_note(member):
    update = UpdateFactory()
    with pytest.raises(ValidationError, match="tell us"):
        moderation.report_create(reporter=member, item=update, reason="other", note="   ")
    assert not Report.objects.exists()
    moderation.report_create(reporter=member, item=update, reason="other", note="Selling supplements")
    assert Report.objects.get().note == "Selling supplements"


def test_unknown_reason_is_refused(member):
    with pytest.raises(ValidationError):
        moderation.report_create(reporter=member, item=UpdateFactory(), reason="boring")


def test_one_open_report_per_member_per_item(member):
    update = UpdateFactory()
    moderation.report_create(reporter=member, item=update, reason="spam")
    with pytest.raises(ValidationError, match="already reported"):
        moderation.report_create(reporter=member, item=update, reason="medical")
    assert Report.objects.count() == 1
    assert open_review(update).score == 1


def test_reports_are_rate_limited(member, settings):
    settings.REPORTS_PER_DAY = 2
    updates = UpdateFactory.create_batch(3)
    moderation.report_create(reporter=member, item=updates[0], reason="spam")
    moderation.report_create(reporter=member, item=updates[1], reason="spam")
    with pytest.raises(ValidationError, match="many reports"):
        moderation.report_create(reporter=member, item=updates[2], reason="spam")
    # Yesterday's reports do not count.
    Report.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    moderation.report_create(reporter=member, item=updates[2], reason="spam")


def test_three_distinct_members_hide_an_item(settings):
    settings.REPORT_HIDE_THRESHOLD = 3
    update = UpdateFactory()
    report(update)
    report(update, reason="medical")
    assert reload(update).moderation_state == ModerationState.VISIBLE
    assert open_review(update).score == 2
    report(update, reason="harassment")
    assert reload(update).moderation_state == ModerationState.HIDDEN
    review = open_review(update)
    assert review.score == 3 and review.reason == ReviewItem.Reason.REPORTED
    assert ReviewItem.objects.count() == 1


def test_a_moderators_single_report_hides(moderator):
    update = UpdateFactory()
    moderation.report_create(reporter=moderator, item=update, reason="spam")
    assert reload(update).moderation_state == ModerationState.HIDDEN


def test_a_hidden_item_is_shown_only_to_its_author(member, other_member):
    update = UpdateFactory(author=member)
    for _ in range(3):
        report(update)
    assert list(selectors.feed_updates(viewer=other_member)) == []
    assert list(selectors.feed_updates(viewer=member)) == [update]


def test_reporting_your_own_post_or_profile_is_refused(member):
    with pytest.raises(ValidationError, match="your own"):
        moderation.report_create(reporter=member, item=UpdateFactory(author=member), reason="spam")
    with pytest.raises(ValidationError, match="your own"):
        moderation.report_create(reporter=member, item=member, reason="spam")
    assert not Report.objects.exists()


def test_a_self_harm_report_goes_to_the_top_of_the_queue(member):
    spam = UpdateFactory()
    for _ in range(3):
        report(spam)
    worrying = UpdateFactory()
    moderation.report_create(reporter=member, item=worrying, reason="self_harm")
    review = open_review(worrying)
    assert review.reason == ReviewItem.Reason.CRISIS and review.priority == ReviewItem.PRIORITY["crisis"]
    assert next(iter(review_queue())) == review


def test_reporting_a_profile_queues_the_member(member, other_member):
    moderation.report_create(reporter=member, item=other_member, reason="harassment")
    review = open_review(other_member)
    assert review.author == other_member and review.content_type.model == "user"
    assert list(review_queue(kind="member")) == [review]


def test_unverified_or_suspended_members_cannot_report(unverified, member):
    update = UpdateFactory()
    with pytest.raises(PermissionDenied):
        moderation.report_create(reporter=unverified, item=update, reason="spam")
    member.suspended_until = timezone.now() + timedelta(days=1)
    member.save()
    with pytest.raises(PermissionDenied):
        moderation.report_create(reporter=member, item=update, reason="spam")


# Pre-moderation


@pytest.fixture
def premoderation(settings):
    settings.PREMODERATION_FIRST_POSTS = 2
    return settings


def test_a_new_members_first_posts_wait_and_are_not_counted(premoderation, member, other_member, moderator):
    update = services.update_create(author=member, text="Hello, I was diagnosed last month.")
    assert update.moderation_state == ModerationState.PENDING
    assert open_review(update).reason == ReviewItem.Reason.PREMODERATION
    assert list(selectors.feed_updates(viewer=other_member)) == []
    assert list(selectors.feed_updates(viewer=member)) == [update]

    question = QuestionFactory(author=established())
    answer = services.answer_create(author=member, question=question, text="Ginger tea helped my nausea.")
    assert answer.moderation_state == ModerationState.PENDING
    assert reload(question).answer_count == 0
    assert list(selectors.answers_for_viewer(viewer=other_member, question=question)) == []

    act(moderator, update, "approve")
    assert reload(member).premoderation_cleared_at is None
    act(moderator, answer, "approve")
    assert reload(question).answer_count == 1
    assert reload(answer).moderation_state == ModerationState.VISIBLE
    assert reload(member).premoderation_cleared_at is not None

    live = services.update_create(author=member, text="Thank you all for the welcome.")
    assert live.moderation_state == ModerationState.VISIBLE
    assert not has_open_review(live)


def test_a_pending_comment_is_not_counted_until_approved(premoderation, member, moderator):
    target = UpdateFactory(author=established())
    comment = services.comment_create(author=member, text="Sending love.", update=target)
    assert comment.moderation_state == ModerationState.PENDING
    assert reload(target).comment_count == 0
    act(moderator, comment, "approve")
    assert reload(target).comment_count == 1


def test_moderators_and_staff_skip_premoderation(premoderation):
    for author in (make_moderator(), make_staff()):
        assert services.update_create(author=author, text=f"Welcome, from {author.pk}").is_visible


def test_removing_a_pending_post_does_not_change_counts(premoderation, member, moderator):
    question = QuestionFactory(author=established())
    answer = services.answer_create(author=member, question=question, text="Buy miracle cure at my shop")
    act(moderator, answer, "remove", reason_code="spam")
    assert reload(question).answer_count == 0
    assert reload(answer).moderation_state == ModerationState.REMOVED


# Link and duplicate holds


def test_a_young_members_post_with_many_links_is_held(member):
    text = "See https://a.example https://b.example and www.c.example"
    update = services.update_create(author=member, text=text)
    assert update.moderation_state == ModerationState.PENDING
    assert open_review(update).reason == ReviewItem.Reason.LINKS
    two = services.update_create(author=member, text="Only https://a.example and https://b.example")
    assert two.is_visible


def test_a_link_to_a_host_spread_by_new_members_is_held(settings, member):
    settings.LINK_HOST_SPREAD_LIMIT = 3
    for n in range(3):
        assert services.update_create(author=UserFactory(), text=f"Great deals https://cure.example/{n}").is_visible
    update = services.update_create(author=member, text="Try https://www.cure.example/now")
    assert update.moderation_state == ModerationState.PENDING
    assert open_review(update).reason == ReviewItem.Reason.LINKS
    # A host that only two others posted is fine.
    for n in range(2):
        services.update_create(author=UserFactory(), text=f"Recipes https://food.example/{n}")
    assert services.update_create(author=member, text="Also https://food.example/soup").is_visible


def test_a_hosts_spread_is_counted_in_any_case_and_for_that_host_only(settings, member):
    settings.LINK_HOST_SPREAD_LIMIT = 2
    services.update_create(author=UserFactory(), text="Offers at HTTPS://My-Cure.Example/a")
    services.comment_create(author=UserFactory(), text="Offers at my-cure.example/b", update=UpdateFactory())
    assert services.update_create(author=member, text="Look: https://my-cure.example").moderation_state == (
        ModerationState.PENDING
    )
    # The dot is a dot: "kind-words.example" is not "kind-wordsXexample".
    services.update_create(author=UserFactory(), text="Poems at https://kind-words.example/1")
    services.update_create(author=UserFactory(), text="Poems at https://kind-wordsxexample.org/2")
    assert services.update_create(author=member, text="See www.kind-words.example").is_visible


def test_established_members_are_not_held_for_links():
    for n in range(3):
        services.update_create(author=UserFactory(), text=f"Great deals https://cure.example/{n}")
    veteran = established()
    assert services.update_create(
        author=veteran, text="https://a.example https://b.example https://c.example"
    ).is_visible
    assert services.update_create(author=veteran, text="I looked at https://cure.example, avoid it").is_visible


def test_the_same_text_twice_is_refused_until_the_window_passes(member, settings):
    settings.DUPLICATE_WINDOW_SECONDS = 300
    first = services.update_create(author=member, text="Scan day tomorrow, wish me luck")
    with pytest.raises(ValidationError, match="posted exactly this"):
        services.update_create(author=member, text="  Scan day tomorrow, wish me luck ")
    with pytest.raises(ValidationError, match="posted exactly this"):
        services.comment_create(author=member, text="Scan day tomorrow, wish me luck", update=UpdateFactory())
    Update.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(seconds=301))
    assert services.update_create(author=member, text="Scan day tomorrow, wish me luck").is_visible


def test_someone_elses_identical_text_is_not_a_duplicate(member, other_member):
    services.update_create(author=member, text="Thinking of everyone today")
    assert services.update_create(author=other_member, text="Thinking of everyone today").is_visible


# Crisis care


def test_a_crisis_phrase_goes_live_and_enters_the_queue_first(member, other_member):
    assert {"kill myself", "suicide"} <= set(django_settings.CRISIS_PHRASES)
    update = services.update_create(author=member, text="Some days I think everyone is Better Off Without Me.")
    assert update.is_visible
    review = open_review(update)
    assert review.reason == ReviewItem.Reason.CRISIS and review.priority == 100
    assert list(selectors.feed_updates(viewer=other_member)) == [update]


def test_a_crisis_phrase_with_a_typographic_apostrophe_is_noticed():
    assert screening.mentions_crisis("I don\u2019t want to be here anymore")


def test_queue_order_crisis_then_score_then_age(settings):
    settings.PREMODERATION_FIRST_POSTS = 1
    old_new = services.update_create(author=UserFactory(), text="My first post")
    ReviewItem.objects.filter(pk=open_review(old_new).pk).update(created_at=timezone.now() - timedelta(hours=3))
    young_new = services.update_create(author=UserFactory(), text="Another first post")
    settings.PREMODERATION_FIRST_POSTS = 0
    low = UpdateFactory()
    report(low)
    high = UpdateFactory()
    report(high)
    report(high)
    crisis = services.update_create(author=established(), text="I want to end my life")
    order = [r.item for r in review_queue()]
    assert order == [crisis, high, low, old_new, young_new]


# Moderators' actions


def test_approve_clears_reports_and_shows_the_item(moderator, other_member):
    update = UpdateFactory()
    for _ in range(3):
        report(update)
    review = open_review(update)
    action = act(moderator, update, "approve")
    assert action.kind == Kind.APPROVE and action.moderator == moderator
    assert reload(update).moderation_state == ModerationState.VISIBLE
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    review.refresh_from_db()
    assert review.resolved_at is not None and review.resolved_by == moderator
    assert list(selectors.feed_updates(viewer=other_member)) == [update]
    # Reported again later, the item starts a new review with a new score.
    report(update)
    assert open_review(update).score == 1


def test_remove_needs_a_reason_and_tells_the_author(moderator):
    update = UpdateFactory()
    report(update)
    with pytest.raises(ValidationError, match="reason"):
        act(moderator, update, "remove")
    with pytest.raises(ValidationError):
        act(moderator, update, "remove", reason_code="made_up")
    action = act(moderator, update, "remove", reason_code="medical", note="Please share experience, not advice.")
    assert reload(update).moderation_state == ModerationState.REMOVED
    notice = Notification.objects.get(recipient=update.author)
    assert "false or dangerous medical claims" in notice.message
    assert "Please share experience, not advice." in notice.message and "appeal" in notice.message
    assert notice.url == f"/appeals/new/{action.pk}/"
    assert not has_open_review(update)


def test_removing_answers_and_comments_updates_the_counts(moderator):
    answer = AnswerFactory()
    comment_on_answer = CommentFactory(update=None, answer=answer)
    comment_on_update = CommentFactory()
    assert reload(answer.question).answer_count == 1
    for item in (answer, comment_on_answer, comment_on_update):
        report(item)
    act(moderator, comment_on_answer, "remove", reason_code="spam")
    assert reload(answer).comment_count == 0
    act(moderator, answer, "remove", reason_code="spam")
    assert reload(answer.question).answer_count == 0
    act(moderator, comment_on_update, "remove", reason_code="harassment")
    assert reload(comment_on_update.update).comment_count == 0


def test_removing_a_hidden_item_after_three_reports_counts_once(moderator):
    answer = AnswerFactory()
    for _ in range(3):
        report(answer)
    assert reload(answer).moderation_state == ModerationState.HIDDEN
    act(moderator, answer, "remove", reason_code="spam")
    assert reload(answer.question).answer_count == 0


def test_edit_keeps_the_original_in_the_log(moderator):
    update = UpdateFactory(text="Call me on 555 0100, Jane Smith")
    report(update, reason="privacy")
    with pytest.raises(ValidationError):
        act(moderator, update, "edit", new_text=update.text)
    action = act(moderator, update, "edit", new_text="Call me, Jane", note="Removed a phone number")
    assert reload(update).text == "Call me, Jane"
    assert action.text_before == "Call me on 555 0100, Jane Smith" and action.text_after == "Call me, Jane"
    assert Notification.objects.get(recipient=update.author).url == f"/appeals/new/{action.pk}/"


def test_editing_a_question_changes_its_details(moderator):
    question = QuestionFactory(details="My number is 555 0100")
    report(question, reason="privacy")
    action = act(moderator, question, "edit", new_text="My number is (removed)")
    assert reload(question).details == "My number is (removed)"
    assert action.text_before == "My number is 555 0100"


def test_a_note_points_to_a_reviewed_article(moderator):
    article = PublishedArticleFactory(title="Supplements during treatment")
    update = UpdateFactory()
    report(update, reason="medical")
    act(moderator, update, "note", note="Evidence differs.", article=article)
    update = reload(update)
    assert update.moderator_note == "Evidence differs." and update.moderator_note_article == article
    assert update.is_visible
    assert ModerationAction.objects.get(kind=Kind.NOTE).note == "Evidence differs."


def test_a_note_needs_text_or_an_article(moderator):
    update = UpdateFactory()
    report(update)
    with pytest.raises(ValidationError):
        act(moderator, update, "note")


def test_warn_notifies_the_author(moderator):
    update = UpdateFactory()
    report(update)
    with pytest.raises(ValidationError):
        act(moderator, update, "warn")
    act(moderator, update, "warn", note="Please be kind.")
    notice = Notification.objects.get(recipient=update.author)
    assert "Please be kind." in notice.message and notice.url == ""


@pytest.mark.parametrize("days", [1, 3, 7, 30])
def test_suspend_for_the_allowed_lengths(moderator, days):
    update = UpdateFactory()
    report(update)
    action = act(moderator, update, "suspend", days=days, note="Repeated spam")
    author = reload(update.author)
    assert author.is_suspended and author.suspension_reason == "Repeated spam"
    expected = timezone.now() + timedelta(days=days)
    assert abs((author.suspended_until - expected).total_seconds()) < 60
    assert action.suspended_until == author.suspended_until
    assert "/appeals/new/" in Notification.objects.get(recipient=author).url


@pytest.mark.parametrize("days", [0, 2, 5, 365])
def test_other_suspension_lengths_are_refused(moderator, days):
    update = UpdateFactory()
    report(update)
    with pytest.raises(ValidationError):
        act(moderator, update, "suspend", days=days)
    assert not reload(update.author).is_suspended


def test_ban(moderator):
    update = UpdateFactory()
    report(update)
    act(moderator, update, "ban", note="Scam account")
    author = reload(update.author)
    assert author.is_banned and author.ban_reason == "Scam account"
    assert not has_open_review(update)


def test_a_dealt_with_review_cannot_be_approved_twice(moderator):
    update = UpdateFactory()
    report(update)
    review = open_review(update)
    moderation.review_approve(moderator=moderator, review=review)
    with pytest.raises(ValidationError, match="already"):
        moderation.review_remove(moderator=moderator, review=review, reason_code="spam")


def test_moderators_cannot_act_on_their_own_content_or_on_other_moderators(moderator):
    own = UpdateFactory(author=moderator)
    report(own)
    other_mod = make_moderator()
    theirs = UpdateFactory(author=other_mod)
    report(theirs)
    moderation.report_create(reporter=UserFactory(), item=other_mod, reason="harassment")
    for item in (own, theirs):
        for action, arguments in (
            ("approve", {"note": "n"}),
            ("remove", {"reason_code": "spam", "note": "n"}),
            ("edit", {"reason_code": "spam", "new_text": "x", "note": "n"}),
            ("warn", {"note": "n"}),
            ("suspend", {"days": 1, "note": "n"}),
            ("ban", {"note": "n"}),
        ):
            with pytest.raises(PermissionDenied):
                act(moderator, item, action, **arguments)
    with pytest.raises(PermissionDenied):
        act(moderator, other_mod, "ban", note="n")
    assert not reload(other_mod).is_banned
    assert not ModerationAction.objects.exists()

    staff = make_staff()
    act(staff, theirs, "remove", reason_code="spam")
    act(staff, other_mod, "suspend", days=1)
    act(staff, own, "approve")
    assert ModerationAction.objects.count() == 3


def test_members_and_moderators_without_two_factor_cannot_act(member):
    update = UpdateFactory()
    report(update)
    for who in (member, ModeratorFactory(), UserFactory(is_staff=True)):
        with pytest.raises(PermissionDenied):
            act(who, update, "approve")


def test_bulk_approve_and_remove_skip_what_the_moderator_may_not_touch(moderator):
    spam = [UpdateFactory() for _ in range(3)]
    mine = UpdateFactory(author=moderator)
    for item in [*spam, mine]:
        report(item)
    done = moderation.review_bulk(
        moderator=moderator, reviews=ReviewItem.objects.filter(resolved_at__isnull=True), action="remove"
    )
    assert done == 3
    assert {reload(u).moderation_state for u in spam} == {ModerationState.REMOVED}
    assert reload(mine).moderation_state == ModerationState.VISIBLE and has_open_review(mine)
    assert ModerationAction.objects.filter(kind=Kind.REMOVE, reason_code="spam").count() == 3

    fine = [UpdateFactory() for _ in range(2)]
    for item in fine:
        report(item)
    assert moderation.review_bulk(moderator=moderator, reviews=[open_review(u) for u in fine], action="approve") == 2
    with pytest.raises(ValidationError):
        moderation.review_bulk(moderator=moderator, reviews=[], action="ban")


# The audit log is append-only


def test_a_logged_action_cannot_be_changed_or_deleted(moderator):
    update = UpdateFactory()
    report(update)
    action = act(moderator, update, "approve")
    action.note = "rewritten"
    with pytest.raises(PermissionError):
        action.save()
    with pytest.raises(PermissionError):
        action.delete()
    assert ModerationAction.objects.get().note == ""


def test_the_log_refuses_bulk_changes_too(moderator):
    update = UpdateFactory()
    report(update)
    act(moderator, update, "approve")
    with pytest.raises(PermissionError):
        ModerationAction.objects.update(note="rewritten")
    with pytest.raises(PermissionError):
        ModerationAction.objects.all().delete()
    assert ModerationAction.objects.count() == 1


def test_the_log_outlives_the_accounts_it_mentions(moderator):
    author = UserFactory(display_name="Departed")
    update = UpdateFactory(author=author)
    report(update)
    act(moderator, update, "remove", reason_code="spam")
    author.delete()
    action = ModerationAction.objects.get()
    assert action.member is None and action.member_name == "Departed"
    assert action.moderator_name == moderator.display_name


COMMUNITY = Path(django_settings.BASE_DIR) / "community"


def test_no_code_updates_or_deletes_the_audit_log_in_bulk():
    sources = {path: path.read_text() for path in COMMUNITY.rglob("*.py") if "migrations" not in path.parts}
    assert sources
    offending = re.compile(r"ModerationAction\.objects\b[^\n]*\.(update|delete|bulk_update)\(")
    offenders = [str(path) for path, text in sources.items() if offending.search(text)]
    assert offenders == []
    # And the log is written in one place only, with create().
    writers = [str(path) for path, text in sources.items() if "ModerationAction.objects.create(" in text]
    assert [Path(w).relative_to(COMMUNITY).as_posix() for w in writers] == ["moderation/services.py"]


# Appeals


def removed_update(moderator, author=None):
    update = UpdateFactory(author=author or UserFactory())
    report(update)
    return update, act(moderator, update, "remove", reason_code="spam")


def test_an_appeal_enters_the_queue_once(moderator):
    update, action = removed_update(moderator)
    appeal = moderation.appeal_create(member=update.author, action=action, text="It was a recipe, not spam.")
    review = open_review(update)
    assert review.reason == ReviewItem.Reason.APPEAL and review.author == update.author
    assert review_page_context([review])[0].appeal == appeal
    with pytest.raises(ValidationError, match="already appealed"):
        moderation.appeal_create(member=update.author, action=action, text="Again")
    assert Appeal.objects.count() == 1


def test_only_the_member_concerned_can_appeal(moderator, member):
    _, action = removed_update(moderator)
    with pytest.raises(PermissionDenied):
        moderation.appeal_create(member=member, action=action, text="Not mine but unfair")


def test_an_empty_appeal_is_refused(moderator):
    update, action = removed_update(moderator)
    with pytest.raises(ValidationError):
        moderation.appeal_create(member=update.author, action=action, text="   ")


@pytest.mark.parametrize("kind", ["approve", "warn", "ban", "note"])
def test_only_remove_edit_and_suspend_are_appealable(moderator, kind):
    update = UpdateFactory()
    report(update)
    action = act(moderator, update, kind, note="note")
    with pytest.raises(ValidationError, match="cannot be appealed"):
        moderation.appeal_create(member=update.author, action=action, text="Unfair")


def test_the_deciding_moderator_cannot_decide_an_appeal_against_themselves(moderator):
    second = make_moderator()
    update, action = removed_update(moderator)
    appeal = moderation.appeal_create(member=update.author, action=action, text="Please look again")
    with pytest.raises(PermissionDenied):
        moderation.appeal_decide(moderator=moderator, appeal=appeal, restore=True)
    assert reload(appeal).decision == ""
    moderation.appeal_decide(moderator=second, appeal=appeal, restore=True)
    assert reload(appeal).decided_by == second


def test_a_lone_moderator_may_decide_an_appeal_against_themselves(moderator):
    update, action = removed_update(moderator)
    appeal = moderation.appeal_create(member=update.author, action=action, text="Please look again")
    moderation.appeal_decide(moderator=moderator, appeal=appeal, restore=False)
    assert reload(appeal).decision == Appeal.Decision.UPHELD


def test_restore_brings_a_removed_item_back(moderator, other_member):
    second = make_moderator()
    answer = AnswerFactory()
    report(answer)
    action = act(moderator, answer, "remove", reason_code="medical")
    assert reload(answer.question).answer_count == 0
    appeal = moderation.appeal_create(member=answer.author, action=action, text="I only shared my experience.")
    logged = moderation.appeal_decide(moderator=second, appeal=appeal, restore=True, note="You are right.")
    assert logged.kind == Kind.RESTORE and logged.member == answer.author
    assert reload(answer).moderation_state == ModerationState.VISIBLE
    assert reload(answer.question).answer_count == 1
    assert not has_open_review(answer)
    notice = Notification.objects.filter(recipient=answer.author).latest("pk")
    assert "restored" in notice.message and "You are right." in notice.message
    assert list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True)) == ["remove", "restore"]
    with pytest.raises(ValidationError, match="already been decided"):
        moderation.appeal_decide(moderator=second, appeal=appeal, restore=False)


def test_restore_puts_back_edited_text(moderator):
    second = make_moderator()
    update = UpdateFactory(text="Original words")
    report(update)
    action = act(moderator, update, "edit", new_text="Changed words")
    appeal = moderation.appeal_create(member=update.author, action=action, text="Nothing was wrong")
    moderation.appeal_decide(moderator=second, appeal=appeal, restore=True)
    assert reload(update).text == "Original words"


def test_restore_lifts_a_suspension(moderator):
    second = make_moderator()
    update = UpdateFactory()
    report(update)
    action = act(moderator, update, "suspend", days=7)
    author = reload(update.author)
    appeal = moderation.appeal_create(member=author, action=action, text="It was a misunderstanding")
    moderation.appeal_decide(moderator=second, appeal=appeal, restore=True)
    assert not reload(author).is_suspended
    notice = Notification.objects.filter(recipient=author).latest("pk")
    assert "suspension" in notice.message.lower() or "restored" in notice.message.lower()


def test_uphold_keeps_the_decision_and_tells_the_member(moderator):
    second = make_moderator()
    update, action = removed_update(moderator)
    appeal = moderation.appeal_create(member=update.author, action=action, text="Please")
    logged = moderation.appeal_decide(moderator=second, appeal=appeal, restore=False, note="It was an advert.")
    assert logged.kind == Kind.UPHOLD
    assert reload(update).moderation_state == ModerationState.REMOVED
    notice = Notification.objects.filter(recipient=update.author).latest("pk")
    assert "kept their decision" in notice.message and "It was an advert." in notice.message
    assert not has_open_review(update)


def test_an_appeal_against_a_suspension_without_an_item_queues_the_account(moderator):
    second = make_moderator()
    member = UserFactory()
    moderation.report_create(reporter=UserFactory(), item=member, reason="harassment")
    action = act(moderator, member, "suspend", days=3)
    appeal = moderation.appeal_create(member=member, action=action, text="Someone else used my phone")
    review = open_review(member)
    assert review.reason == ReviewItem.Reason.APPEAL
    assert review_page_context([review])[0].appeal == appeal
    moderation.appeal_decide(moderator=second, appeal=appeal, restore=True)
    assert not reload(member).is_suspended and not has_open_review(member)


def test_every_kind_of_item_can_be_queued_and_removed(moderator):
    items = [UpdateFactory(), QuestionFactory(), AnswerFactory(), CommentFactory()]
    for item in items:
        report(item)
    for item in items:
        act(moderator, item, "remove", reason_code="off_topic")
    assert {reload(item).moderation_state for item in items} == {ModerationState.REMOVED}
    assert ModerationAction.objects.filter(kind=Kind.REMOVE).count() == 4


def test_an_answer_that_waited_for_a_moderator_notifies_the_asker_when_approved(moderator, settings):
    settings.PREMODERATION_FIRST_POSTS = 2
    asker = UserFactory(premoderation_cleared_at=timezone.now())
    question = QuestionFactory(author=asker)
    newcomer = UserFactory()
    answer = services.answer_create(author=newcomer, question=question, text="Walking helped me.")
    assert answer.moderation_state == ModerationState.PENDING
    assert not Notification.objects.filter(recipient=asker).exists()

    moderation.review_approve(moderator=moderator, review=open_review(answer))

    [notification] = Notification.objects.filter(recipient=asker)
    assert "answered your question" in notification.message


def test_a_removal_is_emailed_to_the_author_even_with_every_email_preference_off(
    moderator, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.models import EmailPreferences

    author = UserFactory(email="author@example.com")
    EmailPreferences.objects.filter(user=author).update(answers=False, replies=False, new_articles=False)
    update = UpdateFactory(author=author)
    report(update)
    with django_capture_on_commit_callbacks(execute=True):
        act(moderator, update, "remove", reason_code="medical", note="Please share experience, not cures.")
    [email] = [m for m in mail.outbox if m.to == ["author@example.com"]]
    assert "removed your post" in email.subject
    assert "/appeals/new/" in email.body


def test_a_sign_up_with_a_link_for_a_name_is_held_for_a_moderator():
    advert = UserFactory(display_name="Cheap pills www.example.shop")
    assert screening.screen_new_member(member=advert).reason == ReviewItem.Reason.SIGNUP
    assert screening.screen_new_member(member=UserFactory(display_name="Margaret")) is None


def test_a_wave_of_sign_ups_with_one_name_is_held():
    first, second = UserFactory(display_name="Support Team"), UserFactory(display_name="support team")
    assert screening.screen_new_member(member=second) is None
    third = UserFactory(display_name="Support Team")
    held = screening.screen_new_member(member=third)
    assert held is not None and held.author == third and held.reason == ReviewItem.Reason.SIGNUP
    assert first.pk != third.pk


def test_sign_up_through_the_form_runs_the_screen(client):
    import time

    from django.core import signing

    from accounts.forms import SIGNUP_STARTED_SALT
    from accounts.models import User

    started = signing.dumps(time.time() - 30, salt=SIGNUP_STARTED_SALT)
    client.post(
        "/accounts/signup/",
        {"started": started, "display_name": "Visit www.pills.example", "email": "ad@example.com"},
    )
    user = User.objects.get(email="ad@example.com")
    assert has_open_review(user)


def test_deleting_a_comment_a_moderator_removed_does_not_count_it_twice(moderator):
    update = UpdateFactory()
    comment = services.comment_create(author=UserFactory(), text="Buy my tea", update=update)
    assert reload(update).comment_count == 1
    report(comment)
    act(moderator, comment, "remove", reason_code="spam")
    assert reload(update).comment_count == 0
    services.comment_delete(actor=comment.author, comment=reload(comment))
    assert reload(update).comment_count == 0


def test_deleting_a_comment_still_waiting_for_a_moderator_leaves_the_count_alone(settings):
    settings.PREMODERATION_FIRST_POSTS = 2
    update = UpdateFactory()
    comment = services.comment_create(author=UserFactory(), text="Hello, new here", update=update)
    assert comment.moderation_state == ModerationState.PENDING
    services.comment_delete(actor=comment.author, comment=comment)
    assert reload(update).comment_count == 0


def test_reporting_the_posts_of_someone_who_blocked_the_reporter_is_refused(member, other_member):
    update = UpdateFactory(author=other_member)
    comment_under_it = CommentFactory(update=update)
    services.member_block(blocker=other_member, blocked=member)
    for item in (update, comment_under_it, other_member):
        with pytest.raises(PermissionDenied, match="not available"):
            moderation.report_create(reporter=member, item=item, reason="harassment")
    assert not Report.objects.exists() and not ReviewItem.objects.exists()
