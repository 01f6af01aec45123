import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Biomarker
from articles.models import Topic, Treatment
from community.models import Block
from tests.articles.factories import ArticleFactory, PublishedArticleFactory, TopicFactory
from tests.community.factories import QuestionFactory, UnverifiedUserFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def egfr():
    return TopicFactory(
        name="EGFR", slug="egfr", biomarker=Biomarker.objects.get(code="EGFR"), description="EGFR is a protein."
    )


@pytest.fixture
def osimertinib():
    return Treatment.objects.get(slug="osimertinib")


def sharing(name, *, biomarkers=(), medicines=(), biomarkers_visibility="members", medicines_visibility="members"):
    member = UserFactory(display_name=name)
    profile = member.profile
    profile.biomarkers_visibility, profile.medicines_visibility = biomarkers_visibility, medicines_visibility
    profile.save()
    profile.biomarkers.set(Biomarker.objects.filter(code__in=biomarkers))
    profile.medicines.set(Treatment.objects.filter(slug__in=medicines))
    return member


# Topic hub


def test_a_biomarker_hub_shows_summary_treatments_articles_and_questions(client, egfr):
    PublishedArticleFactory(title="Living with EGFR", topics=[egfr])
    ArticleFactory(title="Draft about EGFR", topics=[egfr])
    QuestionFactory(title="Which EGFR tablet did you start on?", topic=egfr)
    QuestionFactory(title="A question about something else entirely", topic=TopicFactory())

    page = client.get("/topics/egfr/").content.decode()
    assert "EGFR is a protein." in page
    assert reverse("treatment_hub", args=["osimertinib"]) in page and "Tagrisso" in page
    assert "alectinib" not in page  # an ALK medicine
    assert "Living with EGFR" in page and "Draft about EGFR" not in page
    assert "Which EGFR tablet did you start on?" in page
    assert "something else entirely" not in page
    # Visitors are asked to join or log in, then land on the filtered member search.
    assert "next=/members/%3Fbiomarker%3DEGFR" in page


def test_the_hub_counts_only_members_who_show_their_biomarkers(client, egfr, member):
    sharing("Shown One", biomarkers=["EGFR"])
    sharing("Shown Two", biomarkers=["EGFR", "ALK"])
    sharing("Hidden Hana", biomarkers=["EGFR"], biomarkers_visibility="only_me")
    sharing("Other Olu", biomarkers=["ALK"])
    inactive = sharing("Gone Gil", biomarkers=["EGFR"])
    inactive.is_active = False
    inactive.save()

    page = client.get("/topics/egfr/").content.decode()
    assert "<strong>2</strong> members list EGFR" in page
    assert "Shown One" not in page and "Hidden Hana" not in page  # a count, never names

    client.force_login(member)
    page = client.get("/topics/egfr/").content.decode()
    assert "<strong>2</strong> members list EGFR" in page
    assert 'href="/members/?biomarker=EGFR"' in page


def test_a_topic_without_biomarker_is_a_plain_hub(client):
    topic = TopicFactory(name="Caregiving", slug="caregiving", description="Looking after someone.")
    page = client.get(topic.get_absolute_url()).content.decode()
    assert topic.get_absolute_url() == "/topics/caregiving/"
    assert "Looking after someone." in page and "Members like you" not in page


def test_unknown_slugs_are_404(client):
    assert client.get("/topics/no-such-topic/").status_code == 404
    assert client.get("/treatments/no-such-medicine/").status_code == 404


# Treatment hub


def test_a_treatment_page_shows_names_class_targets_articles_and_mentioning_questions(client, egfr, osimertinib):
    article = PublishedArticleFactory(title="Tablets for EGFR")
    draft = ArticleFactory(title="Unpublished tablets")
    osimertinib.articles.add(article, draft)
    QuestionFactory(title="Has anyone taken TAGRISSO for long?", details="")
    QuestionFactory(title="Side effects in the first month please", details="I started osimertinib last week.")
    QuestionFactory(title="What helped with tiredness on alectinib?", details="")

    page = client.get("/treatments/osimertinib/").content.decode()
    assert "Osimertinib" in page and "Tagrisso" in page and "Tyrosine kinase inhibitor" in page
    assert 'href="/topics/egfr/">EGFR</a>' in page and "T790M" in page
    assert "Tablets for EGFR" in page and "Unpublished tablets" not in page
    assert "Has anyone taken TAGRISSO for long?" in page
    assert "Side effects in the first month please" in page
    assert "tiredness on alectinib" not in page


def test_members_who_list_a_treatment_are_counted_by_visibility_and_named_only_to_verified_members(
    client, osimertinib, member
):
    sharing("Visible Vera", medicines=["osimertinib"])
    sharing("Private Pat", medicines=["osimertinib"], medicines_visibility="only_me")
    # Biomarkers hidden, medicines shown: each field's own visibility decides.
    sharing("Mixed Mo", biomarkers=["EGFR"], medicines=["osimertinib"], biomarkers_visibility="only_me")
    sharing("Alec Only", medicines=["alectinib"])

    visitor_page = client.get("/treatments/osimertinib/").content.decode()
    assert "<strong>2</strong> members list osimertinib" in visitor_page
    for name in ("Visible Vera", "Private Pat", "Mixed Mo", "Alec Only"):
        assert name not in visitor_page

    client.force_login(UnverifiedUserFactory(display_name="Una"))
    unverified_page = client.get("/treatments/osimertinib/").content.decode()
    assert "Visible Vera" not in unverified_page and "Confirm your email address" in unverified_page

    client.force_login(member)
    member_page = client.get("/treatments/osimertinib/").content.decode()
    assert "Visible Vera" in member_page and "Mixed Mo" in member_page
    assert "Private Pat" not in member_page and "Alec Only" not in member_page


def test_blocked_members_are_not_named(client, osimertinib, member):
    blocker = sharing("Blocking Bea", medicines=["osimertinib"])
    Block.objects.create(blocker=blocker, blocked=member)
    client.force_login(member)
    assert "Blocking Bea" not in client.get("/treatments/osimertinib/").content.decode()


# Query counts: the same with few rows and with many.


def _many_rows(egfr, osimertinib, count):
    for i in range(count):
        article = PublishedArticleFactory(topics=[egfr])
        osimertinib.articles.add(article)
        QuestionFactory(title=f"How long have you been on osimertinib, friend {i}?", topic=egfr, helpful_count=i)
        sharing(f"Member {i}", biomarkers=["EGFR"], medicines=["osimertinib"])


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_hubs_run_a_fixed_number_of_queries(client, django_assert_num_queries, egfr, osimertinib, member, signed_in):
    if signed_in:
        client.force_login(member)
    _many_rows(egfr, osimertinib, 1)

    def measure(path):
        client.get(path)  # warm up: the member counts are shared through the cache for a few minutes
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    few_topic, few_treatment = measure("/topics/egfr/"), measure("/treatments/osimertinib/")
    _many_rows(egfr, osimertinib, 8)
    Topic.objects.filter(pk=egfr.pk).update(description="Still the same topic.")
    with django_assert_num_queries(few_topic):
        client.get("/topics/egfr/")
    with django_assert_num_queries(few_treatment):
        client.get("/treatments/osimertinib/")
    # And the numbers themselves: a regression that adds a query per row would show above, one that
    # adds a fixed query shows here.
    # Visitor: the topic, articles, newest and most helpful questions, medicines (the member count
    # comes from the cache). Treatment: the treatment, its targets, their topics, articles, questions.
    # Both: the newest recruiting trials (counted only when there are more than shown).
    # A member adds the session and one statement for the member with the verified-email check and
    # the unread-notification count, the viewer's blocks (no question of a member on either side of a
    # block is listed) and on the treatment page also the listed names.
    assert few_topic == (8 if signed_in else 6)
    assert few_treatment == (9 if signed_in else 6)
