"""Kindred's own matching: which biomarker a trial is about (with the words and where, as a reader is
told), and which catalogue medicine an intervention names."""

import pytest

from accounts.models import Biomarker
from articles.models import Treatment
from trials.matching import (
    ANCHORS,
    BIOMARKER_PHRASES,
    Found,
    TreatmentCatalogue,
    describe,
    find_biomarkers,
    find_in_text,
    load_biomarkers,
    match_treatment,
    split_eligibility,
)
from trials.models import TrialBiomarkerMatch


@pytest.mark.parametrize(
    ("code", "text", "words"),
    [
        ("EGFR", "Advanced EGFR-mutant NSCLC", "EGFR-mutant"),
        ("EGFR", "Tumour with an EGFR exon 19 deletion", "EGFR exon 19 deletion"),
        ("EGFR", "Exon 19 deletion or L858R", "Exon 19 deletion"),
        ("EGFR", "Acquired T790M after first-line treatment", "T790M"),
        ("EGFR", "EGFR Exon 20 Insertion Mutations", "EGFR Exon 20 Insertion"),
        ("EGFR", "EGFRm NSCLC", "EGFRm"),
        ("ALK", "ALK-positive NSCLC", "ALK-positive"),
        ("ALK", "Documented ALK rearrangement", "ALK rearrangement"),
        ("ALK", "EML4-ALK fusion by FISH", "EML4-ALK fusion"),
        ("ALK", "Anaplastic lymphoma kinase", "Anaplastic lymphoma kinase"),
        ("ROS1", "ROS1 fusion-positive", "ROS1 fusion"),
        ("ROS1", "ROS-1 rearranged tumours", "ROS-1 rearranged"),
        ("BRAF", "BRAF V600E mutant", "BRAF V600E"),
        ("BRAF", "BRAF-mutant NSCLC", "BRAF-mutant"),
        ("KRAS", "KRAS G12C-mutated NSCLC", "KRAS G12C"),
        ("KRAS", "p.G12C mutation", "p.G12C"),
        ("KRAS", "KRAS mutation", "KRAS mutation"),
        ("MET", "MET exon 14 skipping mutation", "MET exon 14 skipping"),
        ("MET", "METex14 NSCLC", "METex14"),
        ("MET", "high-level MET amplification", "MET amplification"),
        ("MET", "Tumour with a MET alteration", "MET"),
        ("RET", "RET fusion-positive NSCLC", "RET fusion"),
        ("RET", "KIF5B-RET rearranged", "KIF5B-RET"),
        ("RET", "RET-positive solid tumours", "RET-positive"),
        ("RET", "Selective RET inhibitor", "RET"),
        ("NTRK", "NTRK gene fusion", "NTRK gene fusion"),
        ("NTRK", "NTRK1/2/3 fusion-positive", "NTRK1/2/3 fusion"),
        ("NTRK", "NTRK3 rearrangement", "NTRK3 rearrangement"),
        ("HER2", "HER2-mutant NSCLC", "HER2-mutant"),
        ("HER2", "ERBB2 exon 20 insertion", "ERBB2 exon 20 insertion"),
        ("HER2", "HER2 overexpression (IHC 3+)", "HER2 overexpression"),
        ("PD-L1", "PD-L1 TPS ≥ 50%", "PD-L1 TPS ≥ 50%"),
        ("PD-L1", "PDL1 high", "PDL1 high"),
        ("PD-L1", "Any PD-L1 expression", "PD-L1 expression"),
    ],
)
def test_each_biomarker_is_recognised_by_its_longest_phrase(code, text, words):
    assert find_in_text(code, text) == words


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("MET", "Patients who met the eligibility criteria"),
        ("MET", "Has Met with the study team"),
        ("MET", "PATIENTS WHO MET ALL CRITERIA"),  # all capitals: the verb cannot be told apart
        ("RET", "ret"),
        ("RET", "Return visits and retreatment"),
        ("EGFR", "HER2 exon 20 insertion"),  # HER2's, not EGFR's
        ("ALK", "Walking programme and chalk drawings"),
        ("ROS1", "Ros1e"),
        ("KRAS", "NRAS mutation"),
        ("NTRK", "TRK inhibitor"),
        ("HER2", "HER3 or HER4"),
        ("PD-L1", "PD-1 inhibitor"),
        ("EGFR", "EGFR wild-type NSCLC"),
        ("ALK", "ALK-negative"),
        ("KRAS", "KRAS wild type"),
        ("EGFR", "non-EGFR tumours"),
        ("ROS1", "No known EGFR, ALK or ROS1 alteration"),
        ("ALK", "Without EGFR or ALK alterations"),
    ],
)
def test_words_that_only_look_like_a_biomarker_or_negate_it_are_not_a_match(code, text):
    assert find_in_text(code, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Non-small cell lung cancer (NSCLC) with an EGFR mutation",
        "No more than two earlier treatments, one of them an EGFR inhibitor",
        "Patients with no prior chemotherapy and with EGFR mutation",
    ],
)
def test_a_negation_elsewhere_in_the_sentence_does_not_hide_the_biomarker(text):
    assert find_in_text("EGFR", text)


def test_a_biomarker_named_only_in_the_exclusion_criteria_is_not_a_match():
    criteria = (
        "Inclusion Criteria:\n\n* Adults with NSCLC\n* PD-L1 TPS ≥ 50%\n\n"
        "Exclusion Criteria:\n\n* Known EGFR mutation or ALK rearrangement\n* KRAS G12C"
    )

    found = find_biomarkers(titles=["An immunotherapy study"], eligibility_criteria=criteria)

    assert found == [Found("PD-L1", "PD-L1 TPS ≥ 50%", "inclusion")]


def test_the_title_wins_over_conditions_keywords_and_inclusion_for_one_match_per_biomarker():
    found = find_biomarkers(
        titles=["Brief title", "Official title in EGFR-mutant NSCLC"],
        conditions=["EGFR Exon 19 Deletion", "ALK Fusion"],
        keywords=["ALK", "RET fusion"],
        eligibility_criteria="- EGFR exon 19 deletion\n- ALK rearrangement\n- KRAS G12C\n- RET",
    )

    assert [(f.code, f.words, f.found_in) for f in found] == [
        ("EGFR", "EGFR-mutant", "title"),
        ("ALK", "ALK Fusion", "conditions"),
        ("KRAS", "KRAS G12C", "inclusion"),
        ("RET", "RET fusion", "keywords"),
    ]


def test_the_kept_words_are_as_written_with_spacing_tidied_and_at_most_200_characters():
    assert find_in_text("EGFR", "EGFR\n   exon   19 deletion") == "EGFR exon 19 deletion"
    assert find_in_text("NTRK", "NTRK1" + "/2" * 150) == ("NTRK1" + "/2" * 150)[:200]


@pytest.mark.parametrize(
    ("criteria", "inclusion", "exclusion"),
    [
        ("Inclusion Criteria:\n\n* A\n\nExclusion Criteria:\n\n* B", "* A", "* B"),
        ("**Inclusion Criteria:**\n- A\n**Exclusion Criteria:**\n- B", "- A", "- B"),
        ("Key Inclusion Criteria:\n- A\nKey Exclusion Criteria:\n- B", "- A", "- B"),
        ("## Inclusion\n- A\n## Exclusion\n- B", "- A", "- B"),
        ("INCLUSION CRITERIA: A. EXCLUSION CRITERIA: B.", "A.", "B."),
        ("- A\n- B", "- A\n- B", ""),
        (
            "- Does not meet any exclusion criteria listed below",
            "- Does not meet any exclusion criteria listed below",
            "",
        ),
        ("", "", ""),
    ],
)
def test_the_criteria_are_split_at_the_exclusion_heading(criteria, inclusion, exclusion):
    assert split_eligibility(criteria) == (inclusion, exclusion)


def test_every_phrase_holds_one_of_its_anchors_so_the_quick_first_look_never_hides_it():
    # The first look skips text without any anchor of a code; a phrase without one could never match.
    for code, phrases in BIOMARKER_PHRASES.items():
        for phrase in phrases:
            assert any(anchor in phrase.casefold() for anchor in ANCHORS[code]), (code, phrase)


def test_every_biomarker_but_none_unknown_has_phrases_and_a_row(db):
    codes = set(Biomarker.objects.values_list("code", flat=True))

    assert set(BIOMARKER_PHRASES) == codes - {"none_unknown"}
    assert set(load_biomarkers()) == set(BIOMARKER_PHRASES)


def test_the_reader_is_told_the_words_and_where_they_were():
    assert describe(Found("EGFR", "EGFR exon 19 deletion", "inclusion")) == (
        "EGFR exon 19 deletion in the inclusion criteria"
    )
    assert str(Found("ALK", "ALK-positive", "title")) == "ALK-positive in the title"
    match = TrialBiomarkerMatch(words="KRAS G12C", found_in="conditions")
    assert describe(match) == str(match) == "KRAS G12C in the conditions"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Osimertinib 80 mg", "osimertinib"),
        ("OSIMERTINIB", "osimertinib"),
        ("Tagrisso", "osimertinib"),
        ("Lorviqua (lorlatinib)", "lorlatinib"),
        ("Trastuzumab deruxtecan 5.4 mg/kg", "trastuzumab-deruxtecan"),
        ("Trastuzumab-Deruxtecan", "trastuzumab-deruxtecan"),
        ("Ado-trastuzumab emtansine", "ado-trastuzumab-emtansine"),
        ("Sotorasib plus carboplatin", "sotorasib"),
        ("Drug: Tabrecta", "capmatinib"),
        ("Pembrolizumab", None),
        ("Osimertinibol", None),
        ("Placebo", None),
        ("", None),
    ],
)
def test_intervention_names_are_matched_to_the_catalogue(db, name, slug):
    catalogue = TreatmentCatalogue.load()

    treatment = match_treatment(name, catalogue)

    assert (treatment.slug if treatment else None) == slug


def test_the_catalogue_is_read_once_and_matching_needs_no_database(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        catalogue = TreatmentCatalogue.load()
    alectinib = Treatment.objects.get(slug="alectinib")
    with django_assert_num_queries(0):
        assert catalogue.match("Alecensa 600 mg") == alectinib
