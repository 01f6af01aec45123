"""/trials/, a trial's page, "Trials that may fit you" and the hubs' "Recruiting trials (n)"."""

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import Biomarker
from articles.models import Treatment
from core import page_cache
from tests.articles.factories import TopicFactory
from tests.factories import UserFactory
from tests.trials.factories import make_trial

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def words(response) -> str:
    return " ".join(response.content.decode().split())


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_visitors_see_recruiting_trials_with_what_matched_and_where(client):
    egfr = make_trial(title="Osimertinib after surgery", biomarkers=["EGFR"], countries=["Canada", "Germany"])
    closed = make_trial(title="A finished study", biomarkers=["EGFR"], recruiting=False)
    page = words(client.get("/trials/"))
    assert egfr.brief_title in page and closed.brief_title not in page
    assert "Matched: EGFR-positive in the inclusion criteria" in page
    assert "Recruiting in Canada, Germany" in page
    assert "Only your care team can tell whether a trial fits you." in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("biomarker=ALK", "ALK study", "EGFR study"),
        ("phase=PHASE3", "ALK study", "EGFR study"),
        ("country=Australia", "ALK study", "EGFR study"),
        ("treatment=alectinib", "ALK study", "EGFR study"),
    ],
)
def test_the_list_filters_by_biomarker_phase_country_and_medicine(client, query, shown, hidden):
    make_trial(title="EGFR study", biomarkers=["EGFR"], phases=["PHASE2"], countries=["Canada"])
    make_trial(
        title="ALK study",
        biomarkers=["ALK"],
        phases=["PHASE3"],
        countries=["Australia"],
        treatments=[Treatment.objects.get(slug="alectinib")],
    )
    page = words(client.get(f"/trials/?{query}"))
    assert shown in page and hidden not in page


@pytest.mark.parametrize("query", ["biomarker=XYZ", "phase=PHASE9", "treatment=nothing", "page=abc", "country=%00"])
def test_unknown_filters_say_so_and_never_fail(client, query):
    make_trial(title="EGFR study", biomarkers=["EGFR"])
    response = client.get(f"/trials/?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 200 and "page" not in query and "country" not in query:
        assert "We do not know that" in words(response)


def test_a_trial_page_shows_the_summary_matches_sites_by_country_and_the_registry_link(client):
    trial = make_trial(
        title="Lorlatinib for ALK-positive lung cancer",
        biomarkers=["ALK"],
        countries=["United States", "Canada"],
        treatments=[Treatment.objects.get(slug="lorlatinib")],
    )
    page = words(client.get(f"/trials/{trial.nct_id}/"))
    assert "Lorlatinib for ALK-positive lung cancer" in page and "Phase 2" in page
    assert "“ALK-positive” in the inclusion criteria" in page
    assert page.index("Canada") < page.index("United States")
    assert f'href="https://clinicaltrials.gov/study/{trial.nct_id}"' in page
    assert "about lorlatinib" in page
    assert "Last changed in the registry" in page and "1 November 2026" in page
    assert "Only your care team can tell whether a trial fits you." in page


def test_an_unknown_or_malformed_nct_id_is_a_404(client):
    assert client.get("/trials/NCT00000000/").status_code == 404
    assert client.get("/trials/<script>/").status_code == 404


def test_trial_pages_are_served_to_visitors_from_the_page_cache(
    client, django_assert_num_queries, django_capture_on_commit_callbacks, settings
):
    settings.VISITOR_PAGE_CACHE_SECONDS = 60
    trial = make_trial(biomarkers=["EGFR"])
    client.get("/trials/")
    client.get(f"/trials/{trial.nct_id}/")
    with django_assert_num_queries(0):
        assert client.get("/trials/").status_code == 200
        assert client.get(f"/trials/{trial.nct_id}/").status_code == 200
    # An import invalidates them.
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.invalidate("trials")
    make_trial(title="A brand new study")
    assert "A brand new study" in words(client.get("/trials/"))


def test_the_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(3):
        make_trial(title=f"Study {n}", biomarkers=["EGFR", "ALK"], countries=["Canada", "Germany"])
    cache.clear()
    with django_assert_max_num_queries(20) as few:
        client.get("/trials/")
    count = len(few.captured_queries)
    for n in range(20):
        make_trial(title=f"More {n}", biomarkers=["EGFR", "ALK", "ROS1"], countries=["Canada", "Germany", "Spain"])
    cache.clear()
    with django_assert_max_num_queries(count):
        client.get("/trials/")


def test_a_consenting_member_sees_trials_for_their_biomarkers_in_their_country():
    member = UserFactory()
    member.profile.biomarkers.set([Biomarker.objects.get(code="ALK")])
    member.profile.location = "Leeds, United Kingdom"
    member.profile.save()
    near = make_trial(title="ALK study near me", biomarkers=["ALK"], countries=["United Kingdom"])
    far = make_trial(title="ALK study far away", biomarkers=["ALK"], countries=["Japan"])
    other = make_trial(title="EGFR study near me", biomarkers=["EGFR"], countries=["United Kingdom"])
    page = words(signed_in(member).get("/trials/"))
    section = page.split("Trials that may fit you")[1].split("Filter trials")[0]
    assert near.brief_title in section and far.brief_title not in section and other.brief_title not in section
    assert "sites in United Kingdom" in section


def test_without_health_consent_there_is_no_personal_list():
    member = UserFactory(health_consent=False)
    make_trial(biomarkers=["ALK"])
    assert "Trials that may fit you" not in words(signed_in(member).get("/trials/"))


def test_hubs_show_recruiting_trials_with_the_newest_few(client):
    alectinib = Treatment.objects.get(slug="alectinib")
    for n in range(4):
        make_trial(title=f"ALK study {n}", biomarkers=["ALK"], treatments=[alectinib])
    make_trial(title="Closed ALK study", biomarkers=["ALK"], recruiting=False, treatments=[alectinib])
    TopicFactory(name="ALK", slug="alk", biomarker=Biomarker.objects.get(code="ALK"))
    topic_page = words(client.get("/topics/alk/"))
    assert "Recruiting trials (4)" in topic_page and "Closed ALK study" not in topic_page
    treatment_page = words(client.get("/treatments/alectinib/"))
    assert "Recruiting trials (4)" in treatment_page
    assert 'href="/trials/?treatment=alectinib"' in treatment_page


def test_an_import_shows_on_the_cached_trials_page(client, settings, django_capture_on_commit_callbacks):
    from pathlib import Path

    from trials.importer import import_studies

    settings.VISITOR_PAGE_CACHE_SECONDS = 60
    assert "Demo study" not in words(client.get("/trials/"))
    folder = Path(__file__).resolve().parents[2] / "trials" / "demo_studies"
    with django_capture_on_commit_callbacks(execute=True):
        report = import_studies(folder, is_demo=True)
    assert report.added
    assert "Demo study, not a real trial" in words(client.get("/trials/"))


def test_a_trial_page_and_the_member_s_matches_run_a_fixed_number_of_queries(client, django_assert_num_queries):
    from trials import selectors

    few = make_trial(biomarkers=["EGFR"], countries=["Canada"])
    many = make_trial(biomarkers=["EGFR", "ALK", "ROS1"], countries=["Canada", "Spain", "Japan", "Brazil"])
    with django_assert_num_queries(4):  # the trial, its matches, its interventions, its sites
        selectors.trial_detail(nct_id=few.nct_id)
    with django_assert_num_queries(4):
        selectors.trial_detail(nct_id=many.nct_id)

    member = UserFactory()
    member.profile.biomarkers.set(Biomarker.objects.filter(code__in=["EGFR", "ALK"]))
    member.profile.location = "Toronto, Canada"
    member.profile.save()
    for n in range(10):
        make_trial(title=f"More {n}", biomarkers=["EGFR"], countries=["Canada"])
    # Consent, the member's biomarkers, then one query for the matching trials and one for their matches.
    with django_assert_num_queries(4):
        found = selectors.trials_for_member(member=member, countries=["Canada", "Spain"])
    assert len(found.trials) == selectors.FOR_YOU and found.countries == ["Canada"]
