"""/staff/insights/: who may see it, what each of them sees, and that every download holds
exactly the figures of the table it sits under."""

import csv
import io
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.models import DailyFigure
from tests.community.test_moderation import give_totp, make_moderator, make_staff
from tests.factories import EditorFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/staff/insights/"


class Tables(HTMLParser):
    """Each table's caption and its cells' text, row by row."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = self._rows = self._cell = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(self._cell.strip())
            self._cell = None
        elif tag == "table":
            self.tables[self._caption.strip()] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell += data


def tables_of(response) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(response.content.decode())
    return parser.tables


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def yesterday_figures():
    """Figures as the roll-up would have left them for yesterday."""
    yesterday = timezone.localdate() - timedelta(days=1)
    for name, key, value in [
        ("content.updates", "", 12),
        ("content.questions", "", 3),
        ("content.answers", "", 7),
        ("content.comments", "", 20),
        ("care.asked", "", 4),
        ("care.answered_24h", "", 3),
        ("care.answered_72h", "", 4),
        ("care.median_hours", "", 5.25),
        ("safety.waiting", "", 6),
        ("safety.reports", "spam", 2),
        ("safety.crisis_flags", "", 1),
        ("safety.crisis_minutes_to_seen", "", 14),
    ]:
        DailyFigure.objects.create(day=yesterday, name=name, key=key, value=value)
    return yesterday


def test_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("make", [UserFactory, lambda: give_totp(EditorFactory())], ids=["member", "editor"])
def test_members_and_editors_are_refused(client, make):
    assert signed_in(client, make()).get(URL).status_code == 403
    assert client.get(reverse("insights_csv", args=["safety-reports"])).status_code == 403


@pytest.mark.parametrize("make", [ModeratorFactory, lambda: UserFactory(is_staff=True)], ids=["moderator", "staff"])
def test_without_two_factor_they_are_sent_to_set_it_up(client, make):
    response = signed_in(client, make()).get(URL)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_a_moderator_sees_only_the_safety_part(client, yesterday_figures):
    response = signed_in(client, make_moderator()).get(URL)
    assert response.status_code == 200
    tables = tables_of(response)
    assert set(tables) == {"Reports by reason", "The moderation queue", "Crisis flags"}
    assert "Posts per day" not in response.content.decode()
    assert client.get(reverse("insights_csv", args=["content-daily"])).status_code == 404
    assert client.get(reverse("insights_csv", args=["safety-crisis"])).status_code == 200


def test_staff_see_every_part_with_yesterdays_figures(client, yesterday_figures):
    response = signed_in(client, make_staff()).get(URL)
    tables = tables_of(response)
    assert {"Members per week", "Posts per day", "Share of questions answered in time", "Email per day"} <= set(tables)
    assert "Articles per month" in tables
    day = yesterday_figures.isoformat()
    posts = tables["Posts per day"]
    assert posts[0] == ["Day", "Updates", "Questions", "Answers", "Comments"]
    assert posts[-1] == [day, "12", "3", "7", "20"]
    assert len(posts) == 31  # the header and the last 30 days
    # Shares are of the questions asked: 3 of 4 within a day, all within three days.
    assert tables["Share of questions answered in time"][-1] == [day, "75", "100"]
    assert tables["Median time to a first answer"][-1] == [day, "5.2"]
    # Reasons nobody reported are 0 on a rolled-up day; a day never rolled up says so.
    reports = tables["Reports by reason"]
    assert reports[-1][1:] == ["2", "0", "0", "0", "0", "0"]
    assert reports[-2][1] == "n/a"


def test_every_csv_holds_the_same_figures_as_its_table(client, yesterday_figures):
    signed_in(client, make_staff())
    page = client.get(URL, {"days": 90})
    tables = tables_of(page)
    links = {
        slug: title
        for slug, title in [
            ("members-weekly", "Members per week"),
            ("content-daily", "Posts per day"),
            ("care-shares", "Share of questions answered in time"),
            ("care-waiting", "Questions left waiting"),
            ("care-speed", "Median time to a first answer"),
            ("safety-reports", "Reports by reason"),
            ("safety-queue", "The moderation queue"),
            ("safety-crisis", "Crisis flags"),
            ("email-daily", "Email per day"),
            ("articles-monthly", "Articles per month"),
        ]
    }
    for slug, title in links.items():
        href = f"{reverse('insights_csv', args=[slug])}?days=90"
        assert href.replace("&", "&amp;") in page.content.decode()
        response = client.get(href)
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows == tables[title], slug
    assert len(tables["Posts per day"]) == 91


@pytest.mark.parametrize("days", ["7", "abc", "-30", "1e9", "", "365.0", "99999999999999999999"])
def test_a_range_not_offered_falls_back_to_30_days(client, days, yesterday_figures):
    response = signed_in(client, make_staff()).get(URL, {"days": days})
    assert response.status_code == 200
    assert len(tables_of(response)["Posts per day"]) == 31
    csv_response = client.get(reverse("insights_csv", args=["content-daily"]), {"days": days})
    assert csv_response.status_code == 200 and len(csv_response.content.decode().splitlines()) == 31


def test_a_year_shows_months_and_weeks(client, yesterday_figures):
    tables = tables_of(signed_in(client, make_staff()).get(URL, {"days": 365}))
    assert len(tables["Posts per day"]) == 366
    assert 12 <= len(tables["Articles per month"]) - 1 <= 13
    assert 53 <= len(tables["Members per week"]) - 1 <= 54
