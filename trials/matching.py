"""Kindred's own matching of trial records: which biomarkers a trial is about, and which medicines of
the catalogue its interventions name. Everything here is explainable: a biomarker match keeps the
words that matched and where they were, and a reader sees exactly that ("EGFR exon 19 deletion in the
inclusion criteria").

The functions are pure; only `load_biomarkers` and `TreatmentCatalogue.load` read the database, once
per import.

Where Kindred looks for a biomarker, in order of preference: the titles, the conditions, the keywords,
then the inclusion part of the eligibility criteria. The exclusion part is never read: a trial that
names EGFR only to exclude it is not an EGFR trial. A mention that is negated in its own clause
("EGFR wild-type", "ALK-negative", "no known EGFR, ALK or ROS1 alteration") does not count either.
"""

import re
from dataclasses import dataclass

from trials.models import TrialBiomarkerMatch

FoundIn = TrialBiomarkerMatch.FoundIn

# Where a match may come from, the most telling first: one match per biomarker is kept, from the first
# of these that has one.
PLACES = (FoundIn.TITLE, FoundIn.CONDITIONS, FoundIn.KEYWORDS, FoundIn.INCLUSION)

WORDS_MAX = TrialBiomarkerMatch._meta.get_field("words").max_length

# Between the words of a phrase: any run of spaces and hyphens ("ALK-positive", "ALK positive").
_ = r"[\s\-]*"

# The phrases Kindred recognises for each biomarker code, as regular expressions matched without regard
# to case and bounded by non-alphanumerics. Write the specific phrases first: at one place in the text
# the first alternative that matches wins, and the longest match in a place is the one kept.
# `(?-i:...)` marks a bare word that counts only in capitals: "MET" and "RET" are also English ("the
# criteria were met"), so lower-case or all-capital text never matches them bare.
BIOMARKER_PHRASES: dict[str, list[str]] = {
    "EGFR": [
        rf"EGFR{_}exon{_}19{_}(?:deletions?|del)",
        rf"EGFR{_}exon{_}20{_}insertions?",
        rf"EGFR{_}(?:p\.)?(?:L858R|T790M|C797S|G719X|S768I|L861Q)",
        rf"EGFR{_}(?:sensiti[sz]ing{_})?(?:mutations?|mutant|mutated|alterations?|altered|positive)",
        rf"sensiti[sz]ing{_}EGFR{_}mutations?",
        rf"exon{_}19{_}(?:deletions?|del)",
        r"ex19del",
        # Exon 20 insertions also occur in HER2: not when HER2 or ERBB2 comes just before.
        rf"(?<!HER2 )(?<!HER2-)(?<!ERBB2 )(?<!ERBB2-)exon{_}20{_}insertions?",
        r"L858R",
        r"T790M",
        r"C797S",
        rf"epidermal{_}growth{_}factor{_}receptor",
        r"EGFRm",
        r"EGFR",
    ],
    "ALK": [
        rf"EML4{_}ALK(?:{_}(?:fusions?|rearrangements?|positive))?",
        rf"ALK{_}(?:rearrangements?|rearranged|fusions?|positive|translocations?|alterations?|altered)",
        rf"anaplastic{_}lymphoma{_}kinase",
        r"ALK",
    ],
    "ROS1": [
        rf"CD74{_}ROS{_}1(?:{_}(?:fusions?|rearrangements?|positive))?",
        rf"ROS{_}1{_}(?:rearrangements?|rearranged|fusions?|positive|alterations?|altered)",
        rf"ROS{_}1",
    ],
    "BRAF": [
        rf"BRAF{_}(?:p\.)?V600E",
        rf"BRAF{_}V600",
        rf"BRAF{_}(?:mutations?|mutant|mutated|alterations?|altered|positive)",
        r"V600E",
        r"BRAF",
    ],
    "KRAS": [
        rf"KRAS{_}(?:p\.)?G12[CDV]",
        rf"KRAS{_}(?:mutations?|mutant|mutated|alterations?|altered|positive)",
        r"(?:p\.)?G12C",
        r"KRAS",
    ],
    "MET": [
        rf"MET{_}exon{_}14{_}(?:skipping|skip|alterations?|mutations?|deletions?)",
        rf"MET{_}exon{_}14",
        rf"MET{_}ex{_}14",
        rf"MET{_}(?:amplification|amplified|overexpression|overexpressing|fusions?)",
        rf"c{_}MET",
        r"(?-i:MET)",
    ],
    "RET": [
        rf"(?:KIF5B|CCDC6|NCOA4){_}RET(?:{_}(?:fusions?|rearrangements?|positive))?",
        rf"RET{_}(?:fusions?|rearrangements?|rearranged|positive|altered|alterations?|mutations?|mutant)",
        r"(?-i:RET)",
    ],
    "NTRK": [
        rf"NTRK[123]?(?:\s*/\s*[123])*{_}(?:gene{_})?(?:fusions?|rearrangements?|positive)",
        r"NTRK[123]?(?:\s*/\s*[123])*",
        rf"TRK{_}fusions?",
    ],
    "HER2": [
        rf"(?:HER{_}2|ERBB2){_}exon{_}20{_}insertions?",
        rf"(?:HER{_}2|ERBB2){_}(?:mutations?|mutant|mutated|positive|overexpression|overexpressing|amplification|"
        rf"amplified|alterations?|altered|low)",
        r"ERBB2",
        rf"HER{_}2",
    ],
    "PD-L1": [
        # A threshold is the most telling part: "PD-L1 TPS ≥ 50%".
        rf"PD{_}L1(?:{_}(?:expression|TPS|tumou?r{_}proportion{_}score))?\s*(?:of\s*)?(?:[≥>]=?|at\s+least)\s*\d{{1,3}}\s*%",
        rf"PD{_}L1{_}(?:high|positive|expression|expressing)",
        rf"programmed{_}death{_}ligand{_}1",
        rf"PD{_}L1",
    ],
}

# A cheap first look: a code's phrases are only searched for in text that holds one of these (compared
# case-folded), which spares most texts most of the searches. Every phrase of a code must contain one
# of its anchors as plain letters (tests/trials/test_matching.py checks the phrases above).
ANCHORS: dict[str, tuple[str, ...]] = {
    "EGFR": ("egfr", "exon", "ex19", "l858r", "t790m", "c797s", "epidermal"),
    "ALK": ("alk", "anaplastic"),
    "ROS1": ("ros",),
    "BRAF": ("braf", "v600"),
    "KRAS": ("kras", "g12"),
    "MET": ("met",),
    "RET": ("ret",),
    "NTRK": ("trk",),
    "HER2": ("her", "erbb2"),
    "PD-L1": ("pd", "programmed"),
}

_BOUNDED = r"(?<![A-Za-z0-9])(?:{})(?![A-Za-z0-9])"
_BARE = re.compile(r"\(\?-i:([A-Z0-9]+)\)")

# Words that negate a mention when they come shortly before it in the same clause, and the words after
# a mention that negate it. "No more than", "no later than" and the like are not negations.
_NEGATION_BEFORE = re.compile(
    r"(?s:.*)(?<![A-Za-z0-9])(?:no(?!\s+(?:more|less|fewer|later|earlier|longer|greater|other)\b)|not|without|"
    r"absence\s+of|absent|lack\s+of|lacking|free\s+of|negative\s+for|wild[\s\-]*type\s+for)(?![A-Za-z0-9])"
    r"(?P<between>[^.;:\n]*)$",
    re.IGNORECASE,
)
# "non-EGFR", but not "non-small cell lung cancer ... EGFR": only right before the mention.
_NON_BEFORE = re.compile(r"(?<![A-Za-z0-9])non[\s\-]*$", re.IGNORECASE)
_NEGATION_AFTER = re.compile(
    r"[\s\-]*(?:negative|neg\b|wild[\s\-]*type|wildtype|wt\b|non[\s\-]*mutated|unmutated|not\s+detected)",
    re.IGNORECASE,
)
# A negation reaches this many words forward, and no further than a word that starts a new statement.
_NEGATION_REACH = 8
_NEGATION_STOPS = frozenset({"with", "who", "whose", "has", "have", "had", "must", "but", "however", "and/or", "if"})


@dataclass(frozen=True)
class Found:
    """A biomarker found in a trial: its code, the words as the record writes them, and where."""

    code: str
    words: str
    found_in: str

    def __str__(self):
        return describe(self)


def _compile(phrases: list[str]) -> tuple[re.Pattern, frozenset[str]]:
    bare = frozenset(word for phrase in phrases for word in _BARE.findall(phrase) if phrase == f"(?-i:{word})")
    return re.compile(_BOUNDED.format("|".join(phrases)), re.IGNORECASE), bare


_PATTERNS = {code: _compile(phrases) for code, phrases in BIOMARKER_PHRASES.items()}


def _negated(text: str, start: int, end: int) -> bool:
    if _NEGATION_AFTER.match(text, end) or _NON_BEFORE.search(text, max(0, start - 6), start):
        return True
    cue = _NEGATION_BEFORE.search(text, max(0, start - 120), start)
    if not cue:
        return False
    words = cue.group("between").replace("/", " / ").split()
    if len(words) > _NEGATION_REACH:
        return False
    return not any(word.lower().strip(",()") in _NEGATION_STOPS for word in words)


def _clean(words: str) -> str:
    return " ".join(words.split())[:WORDS_MAX].strip()


def find_in_text(code: str, text: str, folded: str | None = None) -> str | None:
    """The longest phrase for biomarker `code` in `text` that is not negated, as written there, or None.

    `folded` is `text.casefold()`, for a caller looking for several codes in one text."""
    if not text:
        return None
    folded = text.casefold() if folded is None else folded
    if not any(anchor in folded for anchor in ANCHORS[code]):
        return None
    pattern, bare = _PATTERNS[code]
    shouting = bare and not any(character.islower() for character in text)
    best = None
    for match in pattern.finditer(text):
        words = match.group()
        if words in bare and shouting:
            continue  # "MET" in a title written all in capitals may be the verb
        if _negated(text, match.start(), match.end()):
            continue
        if best is None or len(words) > len(best):
            best = words
    return _clean(best) if best else None


def split_eligibility(criteria: str) -> tuple[str, str]:
    """The eligibility criteria split into (inclusion, exclusion) at the exclusion heading.

    The heading may be a line of its own ("Exclusion Criteria", "**Key exclusion criteria:**",
    "## Exclusion") or inline with a colon ("... Exclusion Criteria: ..."). Without one, everything is
    inclusion. An "Inclusion Criteria:" heading at the start is dropped."""
    criteria = criteria or ""
    heading = None
    if first := _EXCLUSION_WORD.search(criteria):  # cheap; the heading search starts on that line
        heading = _EXCLUSION_HEADING.search(criteria, criteria.rfind("\n", 0, first.start()) + 1)
    inclusion, exclusion = (criteria[: heading.start()], criteria[heading.end() :]) if heading else (criteria, "")
    inclusion = _INCLUSION_HEADING.sub("", inclusion, count=1)
    return inclusion.strip(), exclusion.strip()


_MARKUP = r"[ \t#>*_\-]*"
_EXCLUSION_WORD = re.compile("exclusion", re.IGNORECASE)
_EXCLUSION_HEADING = re.compile(
    rf"^{_MARKUP}(?:key\s+)?exclusions?(?:\s+criteria)?[ \t*_]*:?[ \t*_]*$"
    rf"|^{_MARKUP}(?:key\s+)?exclusions?[ \t*_]*:"
    r"|(?:key\s+)?exclusion\s+criteria[ \t*_]*:",
    re.IGNORECASE | re.MULTILINE,
)
_INCLUSION_HEADING = re.compile(
    rf"^\s*{_MARKUP}(?:key\s+)?inclusions?(?:\s+criteria)?[ \t*_]*(?::[ \t*_]*|[ \t*_]*(?:\n|$))", re.IGNORECASE
)


def find_biomarkers(
    *,
    titles: list[str] | tuple[str, ...] = (),
    conditions: list[str] | tuple[str, ...] = (),
    keywords: list[str] | tuple[str, ...] = (),
    eligibility_criteria: str = "",
    codes=None,
) -> list[Found]:
    """Every biomarker the record is about, one `Found` per code (in the order of BIOMARKER_PHRASES).

    For each code the first place that mentions it wins (title, conditions, keywords, inclusion
    criteria), and within that place its longest phrase. `codes` limits the search to some codes."""
    inclusion, _exclusion = split_eligibility(eligibility_criteria)
    texts = {
        FoundIn.TITLE: [(t, t.casefold()) for t in titles if t],
        FoundIn.CONDITIONS: [(t, t.casefold()) for t in conditions if t],
        FoundIn.KEYWORDS: [(t, t.casefold()) for t in keywords if t],
        FoundIn.INCLUSION: [(inclusion, inclusion.casefold())] if inclusion else [],
    }
    found = []
    for code in BIOMARKER_PHRASES if codes is None else [c for c in BIOMARKER_PHRASES if c in codes]:
        for place in PLACES:
            candidates = [words for text, folded in texts[place] if (words := find_in_text(code, text, folded))]
            if candidates:
                found.append(Found(code, max(candidates, key=len), place.value))
                break
    return found


def describe(match) -> str:
    """What a reader is told about a match: "EGFR exon 19 deletion in the inclusion criteria".

    Takes a `Found` or a `TrialBiomarkerMatch`."""
    return f"{match.words} in {FoundIn(match.found_in).label}"


def load_biomarkers() -> dict[str, int]:
    """Biomarker ids by code, for the codes Kindred has phrases for ("none_unknown" has none)."""
    from accounts.models import Biomarker

    return dict(Biomarker.objects.filter(code__in=BIOMARKER_PHRASES).values_list("code", "id"))


def _key(name: str) -> str:
    return " ".join(re.split(r"[\s\-]+", name.lower())).strip()


class TreatmentCatalogue:
    """The catalogue's medicines by generic and brand name, to recognise intervention names.

    `TreatmentCatalogue.load()` reads the catalogue once; `match(name)` then needs no database."""

    def __init__(self, names: dict[str, object]):
        # names: a generic or brand name -> what to return for it (a Treatment, or its id).
        self._by_key = {_key(name): value for name, value in names.items() if name.strip()}
        alternatives = sorted(self._by_key, key=len, reverse=True)
        if alternatives:
            body = "|".join(r"[\s\-]+".join(re.escape(word) for word in key.split()) for key in alternatives)
            self._pattern = re.compile(_BOUNDED.format(body), re.IGNORECASE)
        else:
            self._pattern = None

    @classmethod
    def load(cls) -> "TreatmentCatalogue":
        from articles.models import Treatment

        names = {}
        for treatment in Treatment.objects.only("id", "generic_name", "brand_names", "slug"):
            for brand in (treatment.brand_names or "").split(","):
                names[brand.strip()] = treatment
            names[treatment.generic_name] = treatment  # a generic name wins over a brand spelled alike
        return cls(names)

    def match(self, name: str):
        """The catalogue entry an intervention name names ("Osimertinib 80 mg", "Tagrisso"), or None.

        When it names several ("Osimertinib plus savolitinib"), the first one in the name."""
        if not name or self._pattern is None:
            return None
        found = self._pattern.search(name)
        return self._by_key.get(_key(found.group())) if found else None


def match_treatment(name: str, catalogue: TreatmentCatalogue):
    """The Treatment `name` names, or None (see TreatmentCatalogue.match)."""
    return catalogue.match(name)
