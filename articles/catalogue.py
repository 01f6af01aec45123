"""The treatment catalogue every Kindred database starts with: medicines used for non-small cell
lung cancer, with their brand names, kind and the biomarkers they are used for.

Why a module and not data inside the migration: the data migration (0003) and the post_migrate
re-seed after `flush` (articles.signals) must load exactly the same list, and a later correction
is one edit here plus a new migration calling `seed_catalogue` again. This module imports no
models, so a migration can use it with its historical models.

Facts (names, brands, classes, targets) were checked against the FDA labels and the National
Cancer Institute's drug pages; the descriptions are our own words and give no advice. US brand
names come first; a different EU/UK brand follows where there is one.

`targets` lists the Biomarker codes (accounts.reference_data.BIOMARKERS) of the lung cancers a medicine
is used for, not every protein it binds: amivantamab binds MET too but is used for EGFR changes,
and zenocutuzumab's lung cancer target, NRG1 fusions, is not on the biomarker list, so it has
no target and says so in `target_detail`.
"""

TKI = "tki"
MONOCLONAL = "monoclonal_antibody"
BISPECIFIC = "bispecific_antibody"
ADC = "adc"
BRAF = "braf_inhibitor"
KRAS = "kras_g12c_inhibitor"
MEK = "mek_inhibitor"
ANGIOGENESIS = "angiogenesis_inhibitor"

# (slug, generic name, brand names, drug class, biomarker codes, target detail, description)
TREATMENTS = [
    # EGFR
    (
        "osimertinib",
        "osimertinib",
        "Tagrisso",
        TKI,
        ["EGFR"],
        "EGFR exon 19 deletion, L858R and T790M",
        "A daily tablet that blocks the EGFR protein in cancers with common EGFR changes, including the T790M "
        "change that can make older EGFR tablets stop working.",
    ),
    (
        "amivantamab",
        "amivantamab",
        "Rybrevant",
        BISPECIFIC,
        ["EGFR"],
        "EGFR exon 19 deletion, L858R and exon 20 insertion (binds both EGFR and MET)",
        "An antibody medicine, given by drip or injection, that attaches to two proteins on cancer cells, EGFR "
        "and MET, at the same time.",
    ),
    (
        "lazertinib",
        "lazertinib",
        "Lazcluze",
        TKI,
        ["EGFR"],
        "EGFR exon 19 deletion and L858R",
        "A daily tablet that blocks EGFR. It is given together with amivantamab.",
    ),
    (
        "erlotinib",
        "erlotinib",
        "Tarceva",
        TKI,
        ["EGFR"],
        "EGFR exon 19 deletion and L858R",
        "One of the first daily tablets made to block EGFR in lung cancers with an EGFR change.",
    ),
    (
        "gefitinib",
        "gefitinib",
        "Iressa",
        TKI,
        ["EGFR"],
        "EGFR exon 19 deletion and L858R",
        "An early daily EGFR-blocking tablet for lung cancers with a common EGFR change.",
    ),
    (
        "afatinib",
        "afatinib",
        "Gilotrif, Giotrif",
        TKI,
        ["EGFR"],
        "EGFR changes, including some uncommon ones",
        "A daily tablet that blocks EGFR and related proteins in the same family.",
    ),
    (
        "dacomitinib",
        "dacomitinib",
        "Vizimpro",
        TKI,
        ["EGFR"],
        "EGFR exon 19 deletion and L858R",
        "A daily tablet that blocks EGFR and related proteins in the same family.",
    ),
    # ALK
    (
        "alectinib",
        "alectinib",
        "Alecensa",
        TKI,
        ["ALK"],
        "ALK fusions",
        "A capsule taken twice a day that blocks the ALK protein made by an ALK fusion.",
    ),
    (
        "brigatinib",
        "brigatinib",
        "Alunbrig",
        TKI,
        ["ALK"],
        "ALK fusions",
        "A daily tablet that blocks the ALK protein made by an ALK fusion.",
    ),
    (
        "ceritinib",
        "ceritinib",
        "Zykadia",
        TKI,
        ["ALK"],
        "ALK fusions",
        "A daily medicine that blocks the ALK protein made by an ALK fusion.",
    ),
    (
        "crizotinib",
        "crizotinib",
        "Xalkori",
        TKI,
        ["ALK", "ROS1"],
        "ALK and ROS1 fusions",
        "The first medicine made to block ALK. It also blocks ROS1, so it is used for both kinds of fusion.",
    ),
    (
        "ensartinib",
        "ensartinib",
        "Ensacove",
        TKI,
        ["ALK"],
        "ALK fusions",
        "A daily capsule that blocks the ALK protein made by an ALK fusion.",
    ),
    (
        "lorlatinib",
        "lorlatinib",
        "Lorbrena, Lorviqua",
        TKI,
        ["ALK"],
        "ALK fusions",
        "A daily tablet that blocks ALK, designed to reach the brain and to work against some changes that make "
        "earlier ALK medicines stop working.",
    ),
    # ROS1 (crizotinib above targets ROS1 too)
    (
        "entrectinib",
        "entrectinib",
        "Rozlytrek",
        TKI,
        ["ROS1", "NTRK"],
        "ROS1 fusions and NTRK gene fusions",
        "A daily capsule that blocks the proteins made by ROS1 and NTRK fusions.",
    ),
    (
        "repotrectinib",
        "repotrectinib",
        "Augtyro",
        TKI,
        ["ROS1", "NTRK"],
        "ROS1 fusions and NTRK gene fusions",
        "A capsule that blocks the proteins made by ROS1 and NTRK fusions, including some changes that make "
        "earlier medicines stop working.",
    ),
    (
        "taletrectinib",
        "taletrectinib",
        "Ibtrozi",
        TKI,
        ["ROS1"],
        "ROS1 fusions",
        "A daily capsule that blocks the protein made by a ROS1 fusion.",
    ),
    # BRAF and their MEK partners
    (
        "dabrafenib",
        "dabrafenib",
        "Tafinlar",
        BRAF,
        ["BRAF"],
        "BRAF V600E",
        "A capsule that blocks the BRAF protein made by the V600E change. It is given together with trametinib.",
    ),
    (
        "trametinib",
        "trametinib",
        "Mekinist",
        MEK,
        ["BRAF"],
        "BRAF V600E (blocks MEK, the next step in the same signal)",
        "A daily tablet that blocks MEK, a protein further along the same growth signal as BRAF. It is given "
        "together with dabrafenib.",
    ),
    (
        "encorafenib",
        "encorafenib",
        "Braftovi",
        BRAF,
        ["BRAF"],
        "BRAF V600E",
        "A capsule that blocks the BRAF protein made by the V600E change. It is given together with binimetinib.",
    ),
    (
        "binimetinib",
        "binimetinib",
        "Mektovi",
        MEK,
        ["BRAF"],
        "BRAF V600E (blocks MEK, the next step in the same signal)",
        "A tablet that blocks MEK, a protein further along the same growth signal as BRAF. It is given together "
        "with encorafenib.",
    ),
    (
        "vemurafenib",
        "vemurafenib",
        "Zelboraf",
        BRAF,
        ["BRAF"],
        "BRAF V600E",
        "A tablet that blocks the BRAF protein made by the V600E change. It was first approved for melanoma.",
    ),
    # KRAS G12C
    (
        "sotorasib",
        "sotorasib",
        "Lumakras, Lumykras",
        KRAS,
        ["KRAS"],
        "KRAS G12C",
        "A daily tablet that locks the KRAS protein made by the G12C change in its switched-off state.",
    ),
    (
        "adagrasib",
        "adagrasib",
        "Krazati",
        KRAS,
        ["KRAS"],
        "KRAS G12C",
        "A tablet taken twice a day that locks the KRAS protein made by the G12C change in its switched-off state.",
    ),
    # NTRK (entrectinib and repotrectinib above target NTRK too)
    (
        "larotrectinib",
        "larotrectinib",
        "Vitrakvi",
        TKI,
        ["NTRK"],
        "NTRK gene fusions",
        "A capsule or liquid taken twice a day that blocks the TRK proteins made by NTRK gene fusions, in any "
        "cancer that has one.",
    ),
    # RET
    (
        "pralsetinib",
        "pralsetinib",
        "Gavreto",
        TKI,
        ["RET"],
        "RET fusions",
        "A daily capsule that blocks the RET protein made by a RET fusion.",
    ),
    (
        "selpercatinib",
        "selpercatinib",
        "Retevmo, Retsevmo",
        TKI,
        ["RET"],
        "RET fusions",
        "A capsule or tablet taken twice a day that blocks the RET protein made by a RET fusion.",
    ),
    # MET
    (
        "capmatinib",
        "capmatinib",
        "Tabrecta",
        TKI,
        ["MET"],
        "MET exon 14 skipping",
        "A tablet taken twice a day that blocks the MET protein in cancers with a MET exon 14 skipping change.",
    ),
    (
        "tepotinib",
        "tepotinib",
        "Tepmetko",
        TKI,
        ["MET"],
        "MET exon 14 skipping",
        "A daily tablet that blocks the MET protein in cancers with a MET exon 14 skipping change.",
    ),
    # HER2
    (
        "trastuzumab-deruxtecan",
        "trastuzumab deruxtecan",
        "Enhertu",
        ADC,
        ["HER2"],
        "HER2 (ERBB2) mutations and HER2 protein on the cancer cells",
        "An antibody joined to a chemotherapy drug, given into a vein. The antibody finds HER2 on cancer cells "
        "and delivers the chemotherapy to them.",
    ),
    (
        "ado-trastuzumab-emtansine",
        "ado-trastuzumab emtansine",
        "Kadcyla",
        ADC,
        ["HER2"],
        "HER2 (ERBB2) mutations",
        "An antibody joined to a chemotherapy drug, given into a vein. It was first approved for HER2-positive "
        "breast cancer.",
    ),
    (
        "zenocutuzumab",
        "zenocutuzumab",
        "Bizengri",
        BISPECIFIC,
        [],
        "NRG1 gene fusions (the antibody binds HER2 and HER3)",
        "An antibody given into a vein for cancers with an NRG1 gene fusion. It attaches to HER2 and HER3 and "
        "stops the signal the fusion sends through them.",
    ),
    # Angiogenesis inhibitors
    (
        "bevacizumab",
        "bevacizumab",
        "Avastin",
        ANGIOGENESIS,
        [],
        "VEGF, a signal tumours use to grow new blood vessels",
        "An antibody given into a vein that blocks VEGF, a signal tumours use to grow new blood vessels. It is "
        "given with chemotherapy or other medicines.",
    ),
    (
        "ramucirumab",
        "ramucirumab",
        "Cyramza",
        ANGIOGENESIS,
        [],
        "VEGFR2, the receptor for blood vessel growth signals",
        "An antibody given into a vein that blocks VEGFR2, a receptor blood vessels use to grow. It is given with "
        "other medicines.",
    ),
]


def seed_catalogue(apps) -> None:
    """Create or update every catalogue entry by slug. Idempotent; `apps` may be a migration's."""
    Treatment = apps.get_model("articles", "Treatment")
    Biomarker = apps.get_model("accounts", "Biomarker")
    biomarkers = {b.code: b for b in Biomarker.objects.all()}
    for slug, generic_name, brand_names, drug_class, targets, target_detail, description in TREATMENTS:
        treatment, _ = Treatment.objects.update_or_create(
            slug=slug,
            defaults={
                "generic_name": generic_name,
                "brand_names": brand_names,
                "drug_class": drug_class,
                "target_detail": target_detail,
                "description": description,
            },
        )
        treatment.targets.set([biomarkers[code] for code in targets if code in biomarkers])


# Abbreviations members type and what articles call them; staff edit these in the admin.
SYNONYMS = {
    "nsclc": "non-small cell lung cancer, non small cell",
    "sclc": "small cell lung cancer",
    "tki": "tyrosine kinase inhibitor",
    "egfr": "epidermal growth factor receptor",
    "alk": "anaplastic lymphoma kinase",
    "chemo": "chemotherapy",
    "immuno": "immunotherapy",
    "io": "immunotherapy",
    "sbrt": "stereotactic body radiotherapy, stereotactic radiation",
    "pet": "positron emission tomography",
    "ct": "computed tomography",
    "mets": "metastases, metastasis",
    "ngs": "next-generation sequencing, biomarker testing",
    "adc": "antibody-drug conjugate",
}


def seed_synonyms(apps) -> None:
    SearchSynonym = apps.get_model("articles", "SearchSynonym")
    for term, alternatives in SYNONYMS.items():
        SearchSynonym.objects.get_or_create(term=term, defaults={"alternatives": alternatives})
