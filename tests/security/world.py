"""A site full of hostile text: every field a member or staff can write holds payloads."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.forms.models import model_to_dict
from django.utils import timezone

from accounts import services as account_services
from accounts.forms import ProfileForm
from community import services
from community.models import ReviewItem
from community.moderation import services as moderation
from tests.articles.factories import PublishedArticleFactory, ReferenceFactory, TopicFactory
from tests.community.factories import picture_upload
from tests.community.test_moderation import make_moderator, open_review
from tests.factories import UserFactory
from tests.security import payloads

# Every form refuses null characters (Django's CharField does), so what reaches the services has none.
PAYLOADS = [p.replace("\x00", "") for p in payloads.PAYLOADS]
SHORT_PAYLOADS = [p.replace("\x00", "") for p in payloads.SHORT_PAYLOADS]


def chunks(items: list[str], limit: int) -> list[str]:
    """Payloads joined by blank lines into texts of at most `limit` characters."""
    texts, current = [], ""
    for item in items:
        candidate = f"{current}\n\n{item}" if current else item
        if len(candidate) > limit:
            texts.append(current)
            current = item
        else:
            current = candidate
    return [*texts, current] if current else texts


def established_member(**kwargs):
    return UserFactory(date_joined=timezone.now() - timedelta(days=90), **kwargs)


def set_profile(member, *, display_name: str, bio: str, location: str) -> None:
    """Through the real profile form and service, as the profile page would."""
    profile = member.profile
    data = {k: v for k, v in model_to_dict(profile).items() if v is not None and k != "avatar"}
    data.update(display_name=display_name, bio=bio, location=location)
    for key in ("biomarkers", "treatments", "medicines"):
        data[key] = [getattr(obj, "pk", obj) for obj in data.get(key, [])]
    form = ProfileForm(data, instance=profile, user=member)
    assert form.is_valid(), form.errors
    account_services.profile_update(
        actor=member,
        member=member,
        display_name=form.cleaned_data["display_name"],
        values={name: form.cleaned_data[name] for name in form.fields if name not in ("display_name", "avatar")},
    )


@dataclass
class World:
    author: object
    members: list = field(default_factory=list)
    moderator: object = None
    updates: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    articles: list = field(default_factory=list)
    appeals: list = field(default_factory=list)

    def member_pages(self) -> list[str]:
        return [
            "/activities/",
            *[f"/activities/{u.pk}/" for u in self.updates],
            "/questions/",
            *[q.get_absolute_url() for q in self.questions],
            *[a.get_absolute_url() for a in self.articles],
            "/articles/",
            *[f"/members/{m.pk}/" for m in [self.author, *self.members]],
            "/members/",
            "/notifications/",
            "/search/?q=xss",
            "/search/?q=script",
            f"/search/?q={PAYLOADS[0]}",
        ]

    def moderator_pages(self) -> list[str]:
        return ["/moderation/", "/moderation/log/", *[f"/moderation/appeals/{a.pk}/" for a in self.appeals]]


def build_world(settings) -> World:
    settings.POSTING_MIN_INTERVAL_SECONDS = 0
    settings.DAILY_LIMITS_MEMBER = {"update": 1000, "question": 1000, "answer": 1000, "comment": 1000}
    # Members named after payloads, with payload bios and locations.
    author = established_member()
    set_profile(author, display_name=SHORT_PAYLOADS[0], bio=chunks(PAYLOADS, 1000)[0], location=SHORT_PAYLOADS[1])
    world = World(author=author, moderator=make_moderator())
    bios = chunks(PAYLOADS, 1000)
    for index, name in enumerate(SHORT_PAYLOADS[2:14]):
        member = established_member()
        set_profile(member, display_name=name, bio=bios[index % len(bios)], location=SHORT_PAYLOADS[-index - 1])
        world.members.append(member)

    # Updates (text and picture description), comments and replies.
    for index, text in enumerate(chunks(PAYLOADS, 5000)):
        update = services.update_create(
            author=author, text=text, picture=picture_upload(), picture_alt=SHORT_PAYLOADS[index]
        )
        world.updates.append(update)
        for number, comment_text in enumerate(chunks(PAYLOADS, 1500)):
            commenter = world.members[number % len(world.members)]
            comment = services.comment_create(author=commenter, text=f"{comment_text} ({index})", update=update)
            reply = f"{comment_text[::-1]} ({index}, {number})"
            services.comment_create(author=author, text=reply, update=update, parent=comment)
        services.reaction_toggle(member=world.members[0], update=update, kind="hug")

    # Questions (title and details) and answers, with comments on answers.
    for index, title in enumerate(SHORT_PAYLOADS[:12]):
        details = chunks(PAYLOADS, 10000)[0] if index == 0 else PAYLOADS[index]
        question = services.question_ask(author=author, title=title, details=details)
        world.questions.append(question)
    first = world.questions[0]
    for number, text in enumerate(chunks(PAYLOADS, 3000)):
        answer = services.answer_create(author=world.members[number % len(world.members)], question=first, text=text)
        services.comment_create(author=author, text=text[:1500], answer=answer)

    # Staff-written HTML: article body (Markdown), summary and reference titles.
    topic = TopicFactory()
    for index, body in enumerate(chunks(PAYLOADS, 4000)):
        article = PublishedArticleFactory(
            body=body, summary=PAYLOADS[index][:300], title=f"Safety article {index}", references=0, topics=[topic]
        )
        for number, title in enumerate(PAYLOADS[index * 10 : index * 10 + 10], start=1):
            ReferenceFactory(article=article, number=number, title=title[:300])
        world.articles.append(article)
        services.comment_create(author=author, text=PAYLOADS[index], article=article)

    # Reports (note), moderator actions and appeals (text).
    reported = services.update_create(author=world.members[0], text="An update that gets reported.")
    for number, note in enumerate(chunks(PAYLOADS, 1000)):
        moderation.report_create(reporter=world.members[number + 1], item=reported, reason="spam", note=note)
    removed = []
    for number, text in enumerate(chunks(PAYLOADS, 3000)):
        victim = world.members[number]
        update = services.update_create(author=victim, text=f"Removed update {number}")
        moderation.report_create(reporter=world.moderator, item=update, reason="spam", note=PAYLOADS[number])
        review = open_review(update)
        action = moderation.review_remove(
            moderator=make_moderator(), review=review, reason_code="spam", note=PAYLOADS[number][:1000]
        )
        world.appeals.append(moderation.appeal_create(member=victim, action=action, text=text))
        removed.append(update)
    assert ReviewItem.objects.filter(resolved_at__isnull=True).exists()
    return world
