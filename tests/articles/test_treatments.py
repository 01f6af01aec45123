import pytest
from django.apps import apps
from django.urls import reverse

from articles.catalogue import seed_catalogue
from articles.models import Treatment
from tests.articles.factories import give_totp, make_editor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Every medicine the issue names, with its brand, as seeded by migration 0003.
ISSUE_DRUGS = {
    "osimertinib": ("Tagrisso", {"EGFR"}),
    "amivantamab": ("Rybrevant", {"EGFR"}),
    "lazertinib": ("Lazcluze", {"EGFR"}),
    "alectinib": ("Alecensa", {"ALK"}),
    "brigatinib": ("Alunbrig", {"ALK"}),
    "ceritinib": ("Zykadia", {"ALK"}),
    "crizotinib": ("Xalkori", {"ALK", "ROS1"}),
    "ensartinib": ("Ensacove", {"ALK"}),
    "lorlatinib": ("Lorbrena", {"ALK"}),
    "entrectinib": ("Rozlytrek", {"ROS1", "NTRK"}),
    "repotrectinib": ("Augtyro", {"ROS1", "NTRK"}),
    "taletrectinib": ("Ibtrozi", {"ROS1"}),
    "dabrafenib": ("Tafinlar", {"BRAF"}),
    "encorafenib": ("Braftovi", {"BRAF"}),
    "vemurafenib": ("Zelboraf", {"BRAF"}),
    "trametinib": ("Mekinist", {"BRAF"}),
    "binimetinib": ("Mektovi", {"BRAF"}),
    "sotorasib": ("Lumakras", {"KRAS"}),
    "adagrasib": ("Krazati", {"KRAS"}),
    "larotrectinib": ("Vitrakvi", {"NTRK"}),
    "pralsetinib": ("Gavreto", {"RET"}),
    "selpercatinib": ("Retevmo", {"RET"}),
    "trastuzumab-deruxtecan": ("Enhertu", {"HER2"}),
    "ado-trastuzumab-emtansine": ("Kadcyla", {"HER2"}),
    "zenocutuzumab": ("Bizengri", set()),
    "bevacizumab": ("Avastin", set()),
    "ramucirumab": ("Cyramza", set()),
}


def test_the_catalogue_holds_every_drug_the_issue_names_with_brand_and_targets():
    seeded = {t.slug: t for t in Treatment.objects.prefetch_related("targets")}
    for slug, (brand, targets) in ISSUE_DRUGS.items():
        treatment = seeded[slug]
        assert brand in treatment.brand_name_list, slug
        assert {b.code for b in treatment.targets.all()} == targets, slug
        assert treatment.description, slug


def test_facts_on_a_few_entries():
    osimertinib = Treatment.objects.get(slug="osimertinib")
    assert osimertinib.generic_name == "osimertinib"
    assert osimertinib.drug_class == Treatment.DrugClass.TKI
    assert list(osimertinib.targets.values_list("code", flat=True)) == ["EGFR"]
    assert str(osimertinib) == "osimertinib (Tagrisso)"
    assert osimertinib.names == ["osimertinib", "Tagrisso"]
    assert Treatment.objects.get(slug="amivantamab").drug_class == Treatment.DrugClass.BISPECIFIC_ANTIBODY
    assert Treatment.objects.get(slug="trastuzumab-deruxtecan").drug_class == Treatment.DrugClass.ADC
    assert Treatment.objects.get(slug="trametinib").drug_class == Treatment.DrugClass.MEK_INHIBITOR
    assert Treatment.objects.get(slug="bevacizumab").drug_class == Treatment.DrugClass.ANGIOGENESIS_INHIBITOR
    assert Treatment.objects.get(slug="sotorasib").target_detail == "KRAS G12C"
    # Zenocutuzumab is for NRG1 fusions, which are not on the biomarker list: said in words, not as HER2.
    assert "NRG1" in Treatment.objects.get(slug="zenocutuzumab").target_detail


def test_seeding_again_adds_nothing_and_restores_the_reference_rows():
    count = Treatment.objects.count()
    Treatment.objects.filter(slug="osimertinib").update(brand_names="Wrong")
    seed_catalogue(apps)
    assert Treatment.objects.count() == count
    assert Treatment.objects.get(slug="osimertinib").brand_names == "Tagrisso"


def _admin_client(client):
    client.force_login(give_totp(UserFactory(is_staff=True, is_superuser=True)))
    return client


def test_admin_lists_and_searches_by_generic_and_brand_name(client):
    client = _admin_client(client)
    url = reverse("admin:articles_treatment_changelist")
    page = client.get(url).content.decode()
    assert "osimertinib" in page and "Tagrisso" in page and "alectinib" in page

    found = client.get(url, {"q": "tagrisso"}).content.decode()
    assert "osimertinib" in found and "alectinib" not in found
    found = client.get(url, {"q": "lorviqua"}).content.decode()
    assert "lorlatinib" in found and "osimertinib" not in found


def test_admin_filters_by_class_and_target(client):
    client = _admin_client(client)
    url = reverse("admin:articles_treatment_changelist")
    ros1 = client.get(url, {"targets__id__exact": Treatment.objects.get(slug="taletrectinib").targets.get().pk})
    page = ros1.content.decode()
    assert "crizotinib" in page and "taletrectinib" in page and "osimertinib" not in page
    mek = client.get(url, {"drug_class__exact": "mek_inhibitor"}).content.decode()
    assert "trametinib" in mek and "binimetinib" in mek and "dabrafenib" not in mek


def test_editors_may_edit_the_catalogue(client):
    client.force_login(make_editor())
    treatment = Treatment.objects.get(slug="osimertinib")
    response = client.get(reverse("admin:articles_treatment_change", args=[treatment.pk]))
    assert response.status_code == 200


def test_the_sitemap_lists_treatment_pages(client):
    assert "/treatments/osimertinib/" in client.get("/sitemap.xml").content.decode()
