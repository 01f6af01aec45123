"""Every main page of every role is valid HTML, as the Nu HTML Checker (the W3C validator) reads it.

The pages are fetched from the live server as the browser receives them (the raw response body, not
the DOM Chromium rebuilds from it), saved to files, and checked in one run of vnu.jar: Java starts
slowly, so one call for all of them. The only messages let through are about htmx's `hx-*`
attributes, which HTML does not define but htmx needs.
"""

import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from accounts.models import Biomarker
from articles.models import Treatment
from community import services as community
from community.moderation import services as moderation
from core.templatetags.html_time import html_datetime
from memorials import services as memorials
from messaging import services as messaging
from tests.articles.factories import PublishedArticleFactory, TopicFactory
from tests.community.factories import UpdateFactory
from tests.community.test_moderation import make_moderator, make_staff, open_review
from tests.factories import UserFactory
from tests.trials.factories import make_trial

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VNU = Path(django_settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# "Attribute “hx-post” not allowed on element “form” at this point." and the like.
HTMX_ATTRIBUTE = re.compile(r"[Aa]ttribute “hx-[^”]*”")


def vnu_errors(files: list[Path]) -> list[dict]:
    """The checker's error messages for the files, in one Java run."""
    java = shutil.which("java")
    # CI has Java and runs `npm ci`: a missing checker is a broken set-up, not a reason to skip.
    if java is None:
        pytest.fail("The HTML check needs Java (the Nu HTML Checker is a jar); install a JRE, 17 or newer.")
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing; run `npm ci` to install vnu-jar.")
    # The command is ours: the java found on PATH, the jar in node_modules and files this test wrote.
    result = subprocess.run(  # noqa: S603
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu writes its JSON report to standard error (and exits 1 when it found errors).
    report = result.stderr.strip() or result.stdout.strip()
    try:
        return json.loads(report)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu.jar gave no JSON report (exit {result.returncode}):\n{report[:2000]}")


def session_cookie(user, live_server) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


@pytest.fixture
def site(settings, tmp_path):
    """A small community with something on every page: posts with times, answers with comments,
    notifications, a profile with medicines ticked, reports in the queue and actions in the log."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.POSTING_MIN_INTERVAL_SECONDS = 0
    long_ago = timezone.now() - timedelta(days=90)
    ada = UserFactory(display_name="Ada", date_joined=long_ago)
    ben = UserFactory(display_name="Ben", date_joined=long_ago)
    cara = UserFactory(display_name="Cara", date_joined=long_ago)
    osimertinib = Treatment.objects.get(slug="osimertinib")
    for member in (ada, ben):
        member.profile.location = "Yorkshire"
        member.profile.bio = "Diagnosed two years ago, still walking the dog every day."
        member.profile.save()
        member.profile.biomarkers.set(Biomarker.objects.filter(code="EGFR"))
        member.profile.medicines.set([osimertinib])

    egfr = TopicFactory(name="EGFR", slug="egfr", biomarker=Biomarker.objects.get(code="EGFR"))
    article = PublishedArticleFactory(
        title="Living with osimertinib",
        body="## Side effects\n\nMost people on osimertinib have mild ones[^1].\n\n## Help\n\nAsk your nurse.",
        topics=[egfr],
    )
    osimertinib.articles.add(article)
    community.comment_create(author=ben, article=article, text="This helped me understand my tablets.")

    update = community.update_create(author=ada, text="First walk in the garden since starting osimertinib.")
    comment = community.comment_create(author=ben, update=update, text="So glad to hear it.")
    community.comment_create(author=ada, update=update, parent=comment, text="Thank you, Ben.")
    community.reaction_toggle(member=ben, update=update, kind="hug")

    question = community.question_ask(
        author=ada,
        title="How did you cope with the rash on osimertinib?",
        details="It started in week two.",
        topic=egfr,
    )
    answer = community.answer_create(author=ben, question=question, text="A gentle moisturiser twice a day helped.")
    community.answer_create(author=cara, question=question, text="My nurse suggested a cream, ask yours.")
    community.comment_create(author=ada, answer=answer, text="Which one did you use?")
    community.helpful_vote_toggle(member=ada, answer=answer)

    # The moderation queue holds a report, and the audit log one removal.
    moderator = make_moderator(display_name="Mo")
    spam = UpdateFactory(author=cara, text="Visit my shop for cheap vitamins")
    moderation.report_create(reporter=ben, item=spam, reason="spam", note="An advert.")
    advert = UpdateFactory(author=cara, text="Another shop advert")
    moderation.report_create(reporter=ada, item=advert, reason="spam")
    moderation.review_remove(moderator=moderator, review=open_review(advert), reason_code="spam")

    # A conversation with a reported message, a conversation with the moderators, a trial, news of
    # a death waiting in the queue and a remembered member.
    conversation = messaging.message_send(sender=ben, recipient_id=ada.pk, text="Hello Ada, how was the scan?")
    messaging.request_accept(actor=ada, conversation=conversation.conversation)
    moderation.report_create(reporter=ada, item=conversation, reason="harassment")
    to_team = messaging.moderators_message_send(sender=ada, text="Could you look at a message I reported?")
    trial = make_trial(title="Osimertinib after surgery (test study)", biomarkers=["EGFR"], treatments=[osimertinib])
    dora = UserFactory(display_name="Dora", date_joined=long_ago)
    memorials.death_report_create(reporter=ben, member=cara, note="Her son wrote to me.")
    memorials.memorial_set(moderator=moderator, member=dora, line="Forever in our hearts.")

    return {
        "ada": ada,
        "ben": ben,
        "dora": dora,
        "trial": trial,
        "conversation": conversation.conversation,
        "to_team": to_team.conversation,
        "moderator": moderator,
        "staff": make_staff(display_name="Sam"),
        "article": article,
        "update": update,
        "question": question,
    }


def pages_by_role(site) -> dict[str, list[str]]:
    question = site["question"].get_absolute_url()
    return {
        "visitor": [
            "/",
            "/articles/",
            site["article"].get_absolute_url(),
            "/questions/",
            question,
            "/topics/egfr/",
            "/treatments/osimertinib/",
            "/about/",
            "/guidelines/",
            "/privacy/",
            "/crisis/",
            "/accounts/signup/",
            "/accounts/login/",
            "/subscribe/",
            "/trials/",
            site["trial"].get_absolute_url(),
            "/bereavement/",
            "/questions/?show=unanswered",
        ],
        "ada": [
            "/",
            "/activities/",
            site["update"].get_absolute_url(),
            question,
            site["article"].get_absolute_url(),
            "/questions/ask/",
            "/members/",
            f"/members/{site['ben'].pk}/",
            f"/members/{site['ada'].pk}/",
            "/profile/edit/",
            "/notifications/",
            "/settings/email/",
            "/settings/privacy/",
            "/search/?q=osimertinib",
            "/messages/",
            f"/messages/{site['conversation'].pk}/",
            f"/messages/{site['to_team'].pk}/",
            f"/members/{site['ben'].pk}/tell-us/",
            f"/members/{site['dora'].pk}/",
            "/trials/",
        ],
        "moderator": [
            "/moderation/",
            "/moderation/log/",
            site["update"].get_absolute_url(),
            "/messages/",
            f"/messages/{site['to_team'].pk}/",
            f"/moderation/memorial/{site['dora'].pk}/family/",
        ],
        "staff": ["/", "/moderation/", "/moderation/log/"],
    }


def test_the_main_pages_of_every_role_are_valid_html(browser, live_server, settings, site, tmp_path):
    # The live server serves /static/ from the source folders, which know no hashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    folder = tmp_path / "pages"
    folder.mkdir()
    files, problems = {}, []
    context = browser.new_context(base_url=live_server.url)
    try:
        for role, urls in pages_by_role(site).items():
            context.clear_cookies()
            if role != "visitor":
                context.add_cookies([session_cookie(site[role], live_server)])
            for url in urls:
                # The body as the server sent it; page.content() would give Chromium's re-serialised DOM.
                response = context.request.get(url, max_redirects=0)
                if response.status != 200:
                    problems.append(f"{role} {url}: status {response.status}")
                    continue
                name = f"{len(files):02d}-{role}-{re.sub(r'[^a-z0-9]+', '-', url.lower()).strip('-') or 'home'}.html"
                (folder / name).write_bytes(response.body())
                files[name] = f"{role} {url}"
    finally:
        context.close()
    assert problems == [], "\n".join(problems)

    # Real content, or the check proves little: times, the medicine checklist, the queue.
    saved = {name: (folder / name).read_text() for name in files}
    assert any("<time datetime=" in text for text in saved.values())
    assert any('name="medicines"' in text for text in saved.values())

    errors = [
        message
        for message in vnu_errors([folder / name for name in files])
        if message.get("type") != "info" and not HTMX_ATTRIBUTE.search(message.get("message", ""))
    ]
    lines = [
        f"{files.get(Path(m.get('url', '')).name, m.get('url'))} (line {m.get('lastLine', '?')}): {m['message']}"
        for m in errors
    ]
    assert not lines, f"{len(lines)} HTML errors:\n" + "\n".join(lines)


def test_time_datetime_values_keep_at_most_milliseconds(settings):
    settings.TIME_ZONE = "Europe/London"
    moment = datetime(2026, 7, 1, 9, 30, 5, 786875, tzinfo=UTC)
    assert html_datetime(moment) == "2026-07-01T10:30:05.786+01:00"
    assert html_datetime(moment, "date") == "2026-07-01"
    assert html_datetime(date(2026, 7, 1)) == "2026-07-01"
    assert html_datetime(None) == ""
