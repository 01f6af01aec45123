"""Scale data: many members and posts, loaded quickly with PostgreSQL COPY.

The one place that generates bulk data, used by `seed_scale` and the benchmarks under `bench/`.
Activity follows a power law: a few members write most posts and a few threads get most answers,
comments, reactions and votes, while most members are quiet. Every counter stored on an item
(answers, comments, reactions, helpful votes) is worked out before its row is written, so it
matches the rows it counts under the same rule the services apply.

The search triggers stay on, so every `search_vector` is what the application would compute;
only the GIN indexes are dropped before the load and rebuilt once afterwards, which is much
faster than updating them row by row. Text is random words in a realistic mix, not prose.
"""

import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.text import slugify

from community.counters import COUNTED_STATES

SEED = 20261127
EMAIL_DOMAIN = "bench.example"
# The member a load benchmark signs in as: active, verified, with a weekly digest and a team.
BENCH_MEMBER_EMAIL = f"bench-member@{EMAIL_DOMAIN}"
# One thread as busy as a page ever gets: the load benchmark's "busy question".
BUSY_QUESTION_TITLE = "What got you through the first month of treatment?"
BUSY_ANSWERS = 200
BUSY_COMMENTS_PER_ANSWER = 3
# Private messages: one conversation as long as any gets (the load benchmark opens it), with the bench
# member, and an inbox of a few hundred conversations for them.
LONG_CONVERSATION_MESSAGES = 6_000
BENCH_CONVERSATIONS = 300
# The tables whose GIN indexes (search vectors and trigram titles) are rebuilt after a load.
SEARCH_TABLES = ["articles_article", "community_question", "community_answer", "community_update", "community_comment"]
# What a scale run adds, so a rerun can refuse or replace it (TRUNCATE ... CASCADE takes the rest).
SCALE_TABLES = [
    "accounts_user",
    "articles_article",
    "articles_contributor",
    "community_question",
    "community_answer",
    "community_update",
    "community_comment",
    "messaging_conversation",
    "messaging_participant",
    "messaging_message",
]

# --- Word lists -------------------------------------------------------------------------------------
FILLER = [
    "i", "the", "a", "and", "to", "of", "my", "it", "in", "was", "is", "for", "that", "have", "on", "with",
    "but", "had", "me", "so", "this", "just", "be", "at", "we", "not", "are", "after", "about", "what", "when",
    "any", "how", "do", "did", "has", "been", "from", "all", "one", "out", "if", "can", "really", "still",
    "week", "day", "time", "anyone", "else", "some", "more", "now", "back", "first", "going", "got", "get",
    "they", "them", "their", "there", "also", "very", "much", "other", "know", "think", "feel", "felt", "hope",
    "thank", "thanks", "you", "your", "everyone", "today", "last", "next", "months", "years", "again",
]  # fmt: skip
LIVING = [
    "cancer", "lung", "diagnosis", "diagnosed", "oncologist", "nurse", "hospital", "clinic", "appointment",
    "treatment", "tablets", "infusion", "drip", "cycle", "dose", "side", "effects", "family", "husband", "wife",
    "daughter", "son", "friends", "work", "sleep", "walking", "appetite", "weight", "food", "eating", "exercise",
    "support", "group", "caregiver", "partner", "insurance", "travel", "holiday", "garden", "dog", "breathing",
    "oxygen", "inhaler", "stage", "four", "three", "metastatic", "progression", "stable", "remission",
    "response", "shrinking", "growth", "tumour", "tumor", "nodule", "lesion", "spread", "brain", "bones",
    "liver", "adrenal", "lymph", "nodes", "surgery", "lobectomy", "radiotherapy", "radiation", "chemotherapy",
    "chemo", "immunotherapy", "targeted", "therapy", "trial", "clinical", "second", "opinion", "palliative",
    "hospice", "pain", "relief", "steroids", "antibiotics", "blood", "pressure",
]  # fmt: skip
SYMPTOMS = [
    "fatigue", "tired", "exhausted", "cough", "coughing", "breathless", "breathlessness", "shortness", "breath",
    "rash", "acne", "diarrhoea", "diarrhea", "nausea", "vomiting", "constipation", "mouth", "sores", "ulcers",
    "dry", "skin", "itching", "nails", "paronychia", "swelling", "oedema", "edema", "headache", "dizziness",
    "numbness", "tingling", "neuropathy", "fever", "chills", "weight", "loss", "hair", "thinning", "insomnia",
    "anxiety", "depression", "brain", "fog", "hiccups", "pneumonitis",
]  # fmt: skip
TESTS = [
    "scan", "ct", "pet", "mri", "xray", "x-ray", "biopsy", "bronchoscopy", "ebus", "blood", "test", "bloods",
    "results", "report", "scanxiety", "liquid", "biopsy", "tissue", "ngs", "sequencing", "biomarker", "mutation",
    "fusion", "deletion", "insertion", "exon", "19", "20", "l858r", "t790m", "g12c", "v600e", "amplification",
    "pd-l1", "tps", "marker", "markers", "tumour", "markers", "cea",
]  # fmt: skip
FEELINGS = [
    "scared", "frightened", "worried", "anxious", "hopeful", "grateful", "angry", "sad", "lonely", "overwhelmed",
    "relieved", "brave", "calm", "numb", "positive", "strong", "weak", "emotional", "tearful", "happy", "proud",
    "frustrated", "confused",
]  # fmt: skip
BIOMARKERS = ["egfr", "alk", "ros1", "braf", "kras", "ntrk", "ret", "her2", "met", "pd-l1", "nrg1"]
ABBREVIATIONS = ["nsclc", "sclc", "tki", "adc", "io", "sbrt", "mets", "ngs", "ecog"]
MISSPELLINGS = [
    "osimertinb", "osimertnib", "tagriso", "tagrisoo", "alectnib", "alecensa", "lorlatinb", "lorbrenna",
    "crizotnib", "brigatinb", "sotorasb", "lumakras", "keytruda", "keytrudra", "pembrolizumab", "pembro",
    "chemotherepy", "immunotheraphy", "radiotherapie", "fatique", "diarhea", "nausia", "neuropathie", "biopsey",
    "bronchoscopey", "oncologyst", "metastatic", "metastic",
]  # fmt: skip
FIRST_NAMES = [
    "Sam", "Alex", "Jo", "Chris", "Pat", "Lee", "Robin", "Morgan", "Casey", "Jamie", "Taylor", "Ann", "Maria",
    "Ahmed", "Wei", "Priya", "Tom", "Grace", "Kofi", "Elena", "Yusuf", "Mei", "Olga", "Luis", "Nia", "Ravi",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Jones", "Brown", "Khan", "Patel", "Garcia", "Chen", "Murphy", "Wilson", "Taylor", "Nguyen", "Kelly",
    "Walsh", "Okafor", "Novak", "Silva", "Haddad", "Ito",
]  # fmt: skip
REGIONS = [
    "London", "Leeds", "Dublin", "Cardiff", "Glasgow", "Ohio", "Texas", "Ontario", "Sydney", "Auckland", "Kent",
    "Devon", "Cork", "Manitoba", "Oregon", "Queensland",
]  # fmt: skip
GENERAL_TOPICS = [
    ("Living with lung cancer", "living-with-lung-cancer"),
    ("Side effects", "side-effects"),
    ("Caring for someone", "caring-for-someone"),
    ("Scans and tests", "scans-and-tests"),
]
REFERENCE_SOURCES = ["Journal of Thoracic Oncology", "The Lancet Oncology", "NEJM", "ESMO", "ASCO", "NICE", "NCCN"]


def catalogue_names() -> tuple[list[str], list[str]]:
    from articles.catalogue import TREATMENTS

    generics, brands = [], []
    for _slug, generic, brand_names, *_ in TREATMENTS:
        generics.append(generic.lower())
        brands.extend(b.strip().lower() for b in brand_names.split(",") if b.strip())
    return generics, brands


class Writer:
    """Random text with a realistic word mix: filler words most, drug names and typos rarely."""

    def __init__(self, rng: random.Random):
        generics, brands = catalogue_names()
        groups = [
            (FILLER, 55.0),
            (LIVING, 20.0),
            (SYMPTOMS, 9.0),
            (TESTS, 6.0),
            (FEELINGS, 5.0),
            (BIOMARKERS, 2.0),
            (ABBREVIATIONS, 1.2),
            (generics, 1.0),
            (brands, 0.6),
            (MISSPELLINGS, 0.2),
        ]
        self.words, cumulative, total = [], [], 0.0
        for words, share in groups:
            # Zipf-like inside a group: the first words of each list are the common ones.
            weights = [1.0 / (rank + 2) for rank in range(len(words))]
            scale = share / sum(weights)
            for word, weight in zip(words, weights, strict=True):
                total += weight * scale
                self.words.append(word)
                cumulative.append(total)
        self.cumulative = cumulative
        self.rng = rng

    def words_(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def text(self, low: int, high: int, mean: float) -> str:
        count = max(low, min(high, int(self.rng.lognormvariate(0, 0.7) * mean)))
        words = self.words_(count)
        out, start = [], 0
        while start < len(words):
            end = start + self.rng.randint(6, 16)
            sentence = " ".join(words[start:end])
            out.append(sentence[:1].upper() + sentence[1:] + self.rng.choice(".....?!"))
            start = end
        return " ".join(out)

    def title(self, low: int, high: int) -> str:
        title = ""
        while len(title) < 15:
            words = self.words_(self.rng.randint(low, high))
            title = " ".join(words)
        return (title[:1].upper() + title[1:])[:190] + "?"

    def article_body(self, references: int) -> str:
        """Markdown with section headings and citations of the article's references."""
        sections = []
        for number in range(self.rng.randint(3, 6)):
            heading = self.title(2, 5).rstrip("?")
            paragraphs = [self.text(40, 400, 120) for _ in range(self.rng.randint(1, 3))]
            if references:
                paragraphs[-1] += f" [^{number % references + 1}]"
            sections.append(f"## {heading}\n\n" + "\n\n".join(paragraphs))
        return "\n\n".join(sections)


# --- COPY -------------------------------------------------------------------------------------------
def copy_rows(model, rows: Iterable[tuple], fields: list[str]) -> int:
    """COPY rows (tuples in `fields` order) into the model's table; other columns get the field default."""
    # A column with a database default (`db_default`) and not named in `fields` is left to the
    # database: COPY keeps working when such a column is added.
    concrete = {
        f.name: f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name != "search_vector" and (f.name in fields or not f.has_db_default())
    }
    rest = [f for name, f in concrete.items() if name not in fields]
    defaults = []
    for f in rest:
        value = datetime.now(UTC) if getattr(f, "auto_now", False) else f.get_default()
        if f.get_internal_type() == "JSONField":
            value = json.dumps(value)
        defaults.append(value)
    columns = [concrete[name].column for name in fields] + [f.column for f in rest]
    count = 0
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *defaults))
                count += 1
    return count


def _last_pk(model) -> int:
    return model.objects.aggregate(last=Max("pk"))["last"] or 0


def _ids_after(model, last: int) -> list[int]:
    # COPY takes ids from the sequence in row order, so the new ids sorted are the rows in order.
    return list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True))


# --- What to load -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scale:
    members: int
    articles: int
    questions: int
    answers: int
    comments: int
    updates: int
    # Private messages in all, spread over conversations between members (0: none).
    messages: int = 0

    def main_rows(self) -> int:
        """About how many rows the main tables get: the progress bar's total."""
        return sum(vars(self).values())

    def problems(self) -> list[str]:
        """What makes these counts impossible to load, in words an operator understands."""
        found = [f"--{name} cannot be negative." for name, value in vars(self).items() if value < 0]
        if found:
            return found
        if (self.questions or self.updates or self.comments) and self.members < 2:
            found.append("Posts need at least two members (votes, teams and replies are between members).")
        if self.answers and not self.questions:
            found.append("Answers need at least one question.")
        if self.comments and not (self.articles or self.updates or self.answers):
            found.append("Comments need something to go under: articles, updates or answers.")
        if self.messages and self.members < 2:
            found.append("Private messages need at least two members.")
        return found


@dataclass
class Loaded:
    """What a load wrote: rows and seconds per table, and where the benchmarks find their way in."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    bench_member_id: int | None = None
    busy_question_url: str = ""
    long_conversation_id: int | None = None


def existing_members() -> int:
    from accounts.models import User

    return User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()


def reset() -> None:
    """Delete every member and everything written (the demo content too): only for bench databases."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(SCALE_TABLES)} RESTART IDENTITY CASCADE")


def load(
    *,
    scale: Scale,
    password: str | None = None,
    seed: int = SEED,
    progress: Callable[[str], None] = print,
    advance: Callable[[int], None] = lambda rows: None,
):
    """Load `scale` in one transaction and return a Loaded. `password` makes BENCH_MEMBER_EMAIL a
    working login (other scale members cannot log in). `progress` gets a line per step, `advance`
    the rows each step loaded (for a progress bar)."""
    problems = scale.problems()
    if problems:
        raise ValueError(" ".join(problems))
    loader = _Loader(scale=scale, password=password, seed=seed, progress=progress, advance=advance)
    with transaction.atomic():
        gin_indexes = _drop_gin_indexes()
        loader.run()
        with loader.timed("search indexes"), connection.cursor() as cursor:
            # Check the deferred foreign keys now: PostgreSQL builds no index on a table with checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _name, definition in gin_indexes:
                cursor.execute(definition)
    with connection.cursor() as cursor:
        # A production database is vacuumed by autovacuum; a table just loaded never was, so it has no
        # visibility map (no index-only scans) and its GIN indexes a long pending list that every
        # search reads (member search: 8 ms instead of 0.1). VACUUM cannot run inside a transaction
        # (a test's); ANALYZE alone is what matters there.
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return loader.loaded


def _drop_gin_indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE '%%USING gin%%'",
            [SEARCH_TABLES],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return indexes


class _Loader:
    """One load. Members are numbered 0..n-1 in insertion order; a low number is a busy member."""

    def __init__(self, *, scale: Scale, password: str | None, seed: int, progress, advance=lambda rows: None):
        self.scale = scale
        self.password = password
        self.rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
        self.writer = Writer(self.rng)
        self.now = datetime.now(UTC)
        self.progress = progress
        self.advance = advance
        self.loaded = Loaded()
        # A busy-but-not-extreme member: the top 1% of activity, not the very top.
        self.bench_member = scale.members // 100 if scale.members else None

    # --- helpers
    @contextmanager
    def timed(self, name: str):
        started = time.monotonic()
        yield
        elapsed = time.monotonic() - started
        self.loaded.seconds[name] = self.loaded.seconds.get(name, 0.0) + elapsed
        rows = self.loaded.rows.get(name)
        self.progress(f"  {name:<22} {'' if rows is None else f'{rows:,}':>11} rows {elapsed:8.1f} s")
        self.advance(rows or 0)

    def copy(self, name: str, model, rows, fields) -> list[int]:
        last = _last_pk(model)
        self.loaded.rows[name] = self.loaded.rows.get(name, 0) + copy_rows(model, rows, fields)
        return _ids_after(model, last)

    def at(self, age_seconds: float) -> datetime:
        return self.now - timedelta(seconds=age_seconds)

    def recent_age(self, span_days: float) -> float:
        # A growing community: more happened lately than long ago. Nothing younger than a minute, and
        # no pile of posts at that minute (a floor of max(60, ...) put 143 updates at one moment).
        return 60.0 + span_days * 86400 * self.rng.random() ** 2

    def later_age(self, parent_age: float) -> float:
        # Replies come mostly soon after what they answer; a few threads keep going for months.
        return 30.0 + (parent_age - 30.0) * (1 - self.rng.random() ** 4)

    def skewed(self, count: int, power: float = 3.0) -> int:
        return int(count * self.rng.random() ** power)

    def state(self) -> str:
        roll = self.rng.random()
        return "visible" if roll < 0.96 else "pending" if roll < 0.98 else "hidden" if roll < 0.99 else "removed"

    def author(self) -> int:
        return self.posters[self.skewed(len(self.posters))]

    def run(self) -> None:
        self.members()
        self.profiles()
        self.email_preferences()
        self.articles()
        with self.timed("thread shapes (memory)"):
            self.plan_posts()
        self.posts()
        self.connections()
        with self.timed("conversation shapes (memory)"):
            self.plan_conversations()
        self.private_messages()
        self.notifications()

    # --- members
    def members(self) -> None:
        from accounts.models import User

        n, rng = self.scale.members, self.rng
        self.joined_age = [max(86400.0, 2000 * 86400 * rng.random() ** 1.5) for _ in range(n)]
        self.verified = [rng.random() < 0.97 for _ in range(n)]
        self.banned = [rng.random() < 0.002 for _ in range(n)]
        self.last_seen_age = []
        for i in range(n):
            roll, joined = rng.random(), self.joined_age[i]
            span = 30 if roll < 0.72 else 180 if roll < 0.85 else 2000
            self.last_seen_age.append(min(joined, 86400 * span * rng.random()))
        if self.bench_member is not None:
            b = self.bench_member
            self.joined_age[b], self.last_seen_age[b], self.verified[b], self.banned[b] = 400 * 86400, 3600, True, False
        self.posters = [i for i in range(n) if self.verified[i] and not self.banned[i]]
        bench_password = make_password(self.password) if self.password else "!"
        self.emails = [BENCH_MEMBER_EMAIL if i == self.bench_member else f"member{i}@{EMAIL_DOMAIN}" for i in range(n)]
        self.names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {i}" for i in range(n)]

        def rows():
            for i in range(n):
                joined = self.at(self.joined_age[i])
                yield (
                    self.emails[i],
                    self.names[i],
                    bench_password if i == self.bench_member else "!",
                    joined,
                    self.at(self.last_seen_age[i]),
                    self.at(self.last_seen_age[i]) if self.banned[i] else None,
                    "Spam after warnings." if self.banned[i] else "",
                    joined + timedelta(days=3),
                )

        with self.timed("members"):
            self.user_ids = self.copy(
                "members",
                User,
                rows(),
                [
                    "email",
                    "display_name",
                    "password",
                    "date_joined",
                    "last_login",
                    "banned_at",
                    "ban_reason",
                    "premoderation_cleared_at",
                ],
            )
        with self.timed("email addresses"):
            from allauth.account.models import EmailAddress

            self.copy(
                "email addresses",
                EmailAddress,
                ((self.user_ids[i], self.emails[i], self.verified[i], True) for i in range(n)),
                ["user", "email", "verified", "primary"],
            )
        self.loaded.bench_member_id = self.user_ids[self.bench_member] if self.bench_member is not None else None

    def profiles(self) -> None:
        from accounts.models import Biomarker, HealthDataConsent, Profile, TreatmentType
        from articles.models import Treatment

        rng, n = self.rng, self.scale.members
        biomarkers = dict(Biomarker.objects.values_list("code", "pk"))
        biomarker_weights = {"EGFR": 30, "KRAS": 25, "ALK": 10, "PD-L1": 15, "MET": 4, "ROS1": 3, "BRAF": 3}
        biomarker_weights |= {"RET": 2, "HER2": 2, "NTRK": 1, "none_unknown": 20}
        codes = [c for c in biomarker_weights if c in biomarkers]
        treatment_types = list(TreatmentType.objects.values_list("pk", flat=True))
        by_target = defaultdict(list)
        for treatment_id, biomarker_id in Treatment.targets.through.objects.values_list("treatment_id", "biomarker_id"):
            by_target[biomarker_id].append(treatment_id)
        chemo_and_immuno = list(
            Treatment.objects.filter(drug_class__in=["chemotherapy", "immunotherapy"]).values_list("pk", flat=True)
        )
        roles = ["living_with"] * 12 + ["caregiver"] * 5 + ["friend", "other", ""]
        diagnoses = ["nsclc"] * 15 + ["sclc"] * 3 + ["mesothelioma", "other", "not_sure"]
        stages = ["4"] * 8 + ["3"] * 4 + ["2", "1", "limited", "extensive", "not_sure"]

        def visibility() -> str:
            return "only_me" if rng.random() < 0.2 else "members"

        consented = [False] * n
        rows, member_biomarkers, member_treatments, member_medicines = [], [], [], []
        for i in range(n):
            role = rng.choice(roles)
            health = role in ("living_with", "caregiver") and rng.random() < 0.8
            consented[i] = health
            diagnosis = rng.choice(diagnoses) if health else ""
            rows.append(
                (
                    self.user_ids[i],
                    role,
                    diagnosis,
                    rng.choice(stages) if health else "",
                    rng.randint(2014, 2026) if health else None,
                    rng.choice(REGIONS) if rng.random() < 0.7 else "",
                    self.writer.text(5, 60, 20) if rng.random() < 0.3 else "",
                    *(visibility() for _ in range(8)),
                    "nobody" if rng.random() < 0.05 else "everyone",
                    rng.random() < 0.9,
                )
            )
            if health and diagnosis == "nsclc":
                marker = biomarkers[rng.choices(codes, weights=[biomarker_weights[c] for c in codes])[0]]
                member_biomarkers.append((i, marker))
                medicines = by_target.get(marker) or chemo_and_immuno
                member_medicines.extend((i, m) for m in set(rng.sample(medicines, k=min(len(medicines), 2))))
            if health:
                member_treatments.extend((i, t) for t in set(rng.choices(treatment_types, k=rng.randint(1, 3))))
        with self.timed("profiles"):
            visibility_fields = [f"{name}_visibility" for name in Profile.PRIVATE_FIELDS]
            profile_ids = self.copy(
                "profiles",
                Profile,
                rows,
                [
                    "user",
                    "role",
                    "diagnosis",
                    "stage",
                    "year_diagnosed",
                    "location",
                    "bio",
                    *visibility_fields,
                    "team_add_policy",
                    "discoverable",
                ],
            )
            self.team_closed = {i for i, row in enumerate(rows) if row[-2] == "nobody"}
        with self.timed("profile health lists"):
            for relation, pairs, column in (
                (Profile.biomarkers.through, member_biomarkers, "biomarker"),
                (Profile.treatments.through, member_treatments, "treatmenttype"),
                (Profile.medicines.through, member_medicines, "treatment"),
            ):
                self.copy(
                    "profile health lists", relation, ((profile_ids[i], x) for i, x in pairs), ["profile", column]
                )
        with self.timed("health consents"):
            self.copy(
                "health consents",
                HealthDataConsent,
                (
                    (self.user_ids[i], settings.HEALTH_CONSENT_POLICY_VERSION, self.at(self.joined_age[i]))
                    for i in range(n)
                    if consented[i]
                ),
                ["member", "policy_version", "given_at"],
            )

    def email_preferences(self) -> None:
        from accounts.models import EmailPreferences

        rng = self.rng

        def rows():
            for i in range(self.scale.members):
                frequency = (
                    "weekly"
                    if i == self.bench_member
                    else rng.choices(["weekly", "daily", "never"], weights=[55, 15, 30])[0]
                )
                last = {"weekly": 7, "daily": 1}.get(frequency)
                yield (
                    self.user_ids[i],
                    frequency,
                    rng.random() < 0.3,
                    rng.random() < 0.85,
                    rng.random() < 0.8,
                    self.at(last * 86400 + rng.randint(0, 3600)) if last and rng.random() < 0.6 else None,
                )

        with self.timed("email preferences"):
            self.copy(
                "email preferences",
                EmailPreferences,
                rows(),
                ["user", "digest_frequency", "new_articles", "answers", "replies", "last_digest_at"],
            )

    # --- articles
    def articles(self) -> None:
        from accounts.models import Biomarker
        from articles.models import Article, Contributor, Reference, Topic, Treatment
        from articles.rendering import render_markdown

        rng = self.rng
        for biomarker in Biomarker.objects.exclude(code="none_unknown"):
            Topic.objects.get_or_create(
                biomarker=biomarker,
                defaults={
                    "name": f"{biomarker.name}-positive lung cancer",
                    "slug": slugify(biomarker.code) + "-positive",
                },
            )
        for name, slug in GENERAL_TOPICS:
            Topic.objects.get_or_create(slug=slug, defaults={"name": name})
        self.topic_ids = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
        writers = Contributor.objects.bulk_create(
            [Contributor(name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", credentials="") for _ in range(8)]
            + [
                Contributor(name=f"Dr {rng.choice(LAST_NAMES)}", credentials="M.D.", is_medical_reviewer=True)
                for _ in range(4)
            ]
        )
        authors = [c.pk for c in writers if not c.is_medical_reviewer]
        reviewers = [c.pk for c in writers if c.is_medical_reviewer]
        statuses = ["published"] * 90 + ["draft"] * 5 + ["in_review"] * 3 + ["archived"] * 2
        self.article_status, self.article_age, rows, references = [], [], [], []
        for i in range(self.scale.articles):
            status = rng.choice(statuses)
            age = self.recent_age(1500)
            count = rng.randint(3, 6) if status != "draft" else 0
            rendered = render_markdown(body := self.writer.article_body(count))
            published = self.at(age) if status in ("published", "archived") else None
            reviewed = status in ("published", "archived")
            rows.append(
                (
                    self.writer.title(4, 9).rstrip("?"),
                    f"scale-article-{i}",
                    self.writer.text(15, 40, 25)[:290],
                    body,
                    rendered.html,
                    json.dumps(rendered.toc),
                    json.dumps(rendered.cited_reference_numbers),
                    rng.choice(authors),
                    rng.choice(reviewers) if reviewed or status == "in_review" else None,
                    status,
                    published,
                    published,
                    published + timedelta(days=365) if published else None,
                    published,
                    self.at(age + 7 * 86400),
                )
            )
            self.article_status.append(status)
            self.article_age.append(age)
            references.extend((i, number) for number in range(1, count + 1))
        with self.timed("articles"):
            article_ids = self.copy(
                "articles",
                Article,
                rows,
                [
                    "title",
                    "slug",
                    "summary",
                    "body",
                    "body_html",
                    "toc",
                    "cited_reference_numbers",
                    "author",
                    "reviewer",
                    "status",
                    "published_at",
                    "last_reviewed_at",
                    "review_due_at",
                    "content_updated_at",
                    "created_at",
                ],
            )
            self.article_ids = article_ids
            self.copy(
                "references",
                Reference,
                (
                    (
                        article_ids[i],
                        number,
                        self.writer.title(5, 12).rstrip("?"),
                        rng.choice(REFERENCE_SOURCES),
                        f"https://doi.example/10.1000/{i}.{number}",
                        rng.randint(2015, 2026),
                    )
                    for i, number in references
                ),
                ["article", "number", "title", "source", "url", "year"],
            )
            self.copy(
                "article topics",
                Article.topics.through,
                ((article_ids[i], topic) for i in range(len(article_ids)) for topic in self._some_topics()),
                ["article", "topic"],
            )
            treatments = list(Treatment.objects.values_list("pk", flat=True))
            self.copy(
                "article treatments",
                Treatment.articles.through,
                (
                    (t, article_ids[i])
                    for i in range(len(article_ids))
                    if rng.random() < 0.2
                    for t in rng.sample(treatments, 1)
                ),
                ["treatment", "article"],
            )

    def _some_topics(self) -> set[int]:
        return set(self.rng.choices(self.topic_ids, k=self.rng.randint(1, 2))) if self.topic_ids else set()

    # --- the shape of the threads, decided before any row so that counters are right on insert
    def plan_posts(self) -> None:
        rng, s = self.rng, self.scale
        # Questions: index 0 is the busy thread.
        self.q_author = [self.author() for _ in range(s.questions)]
        self.q_age = [self.recent_age(1500) for _ in range(s.questions)]
        self.q_state = [self.state() for _ in range(s.questions)]
        self.q_topic = [rng.choice(self.topic_ids) if rng.random() < 0.6 else None for _ in range(s.questions)]
        busy_answers = min(BUSY_ANSWERS, s.answers) if s.questions else 0
        if s.questions:
            self.q_author[0] = self.posters[len(self.posters) // 2]
            self.q_age[0], self.q_state[0], self.q_topic[0] = 10 * 86400, "visible", self.topic_ids[0]

        # Answers: the busy thread's first, then the rest skewed towards a few popular questions.
        others = max(s.questions - 1, 1)
        self.a_question = [0] * busy_answers + [
            1 + self.skewed(others, 1.5) if s.questions > 1 else 0 for _ in range(s.answers - busy_answers)
        ]
        self.a_author = [self.author() for _ in self.a_question]
        self.a_age = [self.later_age(self.q_age[q]) for q in self.a_question]
        self.a_state = ["visible" if q == 0 else self.state() for q in self.a_question]
        self.answer_count = Counter(
            q for q, state in zip(self.a_question, self.a_state, strict=True) if state in COUNTED_STATES
        )
        self.accepted = {}
        for index, q in enumerate(self.a_question):
            if self.a_state[index] == "visible" and q not in self.accepted and (q == 0 or rng.random() < 0.15):
                self.accepted[q] = index

        # Updates.
        self.u_author = [self.author() for _ in range(s.updates)]
        self.u_age = [self.recent_age(1500) for _ in range(s.updates)]
        self.u_state = [self.state() for _ in range(s.updates)]

        # Comments: the busy thread's first; then top-level comments (5% under published articles,
        # 50% under updates, 45% under answers), with a sixth of the rest replying to one of them.
        published = [i for i, status in enumerate(self.article_status) if status == "published"]
        kinds = [("article", len(published)), ("update", s.updates), ("answer", s.answers)]
        kind_weights = [5 if published else 0, 50 if s.updates else 0, 45 if s.answers else 0]
        self.c_target, self.c_parent, self.c_author, self.c_age, self.c_state = [], [], [], [], []
        busy_comments = min(busy_answers * BUSY_COMMENTS_PER_ANSWER, s.comments)
        for index in range(busy_comments):
            answer = index // BUSY_COMMENTS_PER_ANSWER
            self._plan_comment(("answer", answer), -1, self.a_age[answer], "visible")
        for _ in range(s.comments - busy_comments):
            if self.c_target and rng.random() < 1 / 6:
                parent = rng.randrange(len(self.c_target))
                if self.c_parent[parent] == -1 and self.c_state[parent] == "visible":
                    self._plan_comment(self.c_target[parent], parent, self.c_age[parent], self.state())
                    continue
            kind, count = rng.choices(kinds, weights=kind_weights)[0]
            target = self.skewed(count, 1.5)
            if kind == "article":
                target, parent_age = published[target], self.article_age[published[target]]
            else:
                parent_age = (self.u_age if kind == "update" else self.a_age)[target]
            self._plan_comment((kind, target), -1, parent_age, self.state())
        self.comment_count = Counter(
            target
            for target, state in zip(self.c_target, self.c_state, strict=True)
            if state in COUNTED_STATES and target[0] != "article"
        )

        # Reactions on visible updates and helpful votes on visible answers, skewed per item.
        self.reactions = []  # (update index, member index, kind)
        for u in range(s.updates):
            if self.u_state[u] == "visible":
                given = {
                    (self.author(), rng.choices(["hug", "like", "thanks"], weights=[4, 5, 1])[0])
                    for _ in range(min(60, int(rng.paretovariate(1.4)) - 1))
                }
                self.reactions.extend((u, m, kind) for m, kind in given if m != self.u_author[u])
        self.reaction_counts = Counter((u, kind) for u, _m, kind in self.reactions)
        self.votes = []  # (answer index, member index)
        for a in range(s.answers):
            if self.a_state[a] == "visible":
                voters = {
                    self.author() for _ in range(min(40, int(rng.paretovariate(1.6 if a >= busy_answers else 1.1)) - 1))
                }
                self.votes.extend((a, m) for m in voters if m != self.a_author[a])
        self.answer_votes = Counter(a for a, _m in self.votes)
        self.question_votes = Counter(self.a_question[a] for a, _m in self.votes)

    def _plan_comment(self, target: tuple[str, int], parent: int, parent_age: float, state: str) -> None:
        self.c_target.append(target)
        self.c_parent.append(parent)
        self.c_author.append(self.author())
        self.c_age.append(self.later_age(parent_age))
        self.c_state.append(state)

    # --- posts
    def posts(self) -> None:
        from community.models import Answer, Comment, HelpfulVote, Question, Reaction, Update

        rng, w = self.rng, self.writer

        def question_rows():
            for q in range(self.scale.questions):
                title = BUSY_QUESTION_TITLE if q == 0 else w.title(5, 14)
                yield (
                    self.user_ids[self.q_author[q]],
                    title,
                    slugify(title)[:80] or "question",
                    w.text(0, 600, 70),
                    self.q_topic[q],
                    q != 0 and rng.random() < 0.05,
                    self.q_state[q],
                    self.at(self.q_age[q]),
                    self.answer_count[q],
                    self.question_votes[q],
                )

        with self.timed("questions"):
            self.question_ids = self.copy(
                "questions",
                Question,
                question_rows(),
                [
                    "author",
                    "title",
                    "slug",
                    "details",
                    "topic",
                    "is_anonymous",
                    "moderation_state",
                    "created_at",
                    "answer_count",
                    "helpful_count",
                ],
            )
        if self.question_ids:
            self.loaded.busy_question_url = reverse(
                "question_detail", args=[self.question_ids[0], slugify(BUSY_QUESTION_TITLE)[:80]]
            )
        accepted = set(self.accepted.values())
        with self.timed("answers"):
            self.answer_ids = self.copy(
                "answers",
                Answer,
                (
                    (
                        self.question_ids[q],
                        self.user_ids[self.a_author[a]],
                        w.text(3, 800, 60),
                        self.a_state[a],
                        self.at(self.a_age[a]),
                        a in accepted,
                        self.answer_votes[a],
                        self.comment_count[("answer", a)],
                    )
                    for a, q in enumerate(self.a_question)
                ),
                [
                    "question",
                    "author",
                    "text",
                    "moderation_state",
                    "created_at",
                    "is_accepted",
                    "helpful_count",
                    "comment_count",
                ],
            )
        with self.timed("updates"):
            self.update_ids = self.copy(
                "updates",
                Update,
                (
                    (
                        self.user_ids[self.u_author[u]],
                        w.text(2, 500, 45),
                        self.u_state[u],
                        self.at(self.u_age[u]),
                        self.reaction_counts[(u, "hug")],
                        self.reaction_counts[(u, "like")],
                        self.reaction_counts[(u, "thanks")],
                        self.comment_count[("update", u)],
                    )
                    for u in range(self.scale.updates)
                ),
                [
                    "author",
                    "text",
                    "moderation_state",
                    "created_at",
                    "hug_count",
                    "like_count",
                    "thanks_count",
                    "comment_count",
                ],
            )
        targets = {"article": self.article_ids, "update": self.update_ids, "answer": self.answer_ids}

        def comment_rows(replies: bool):
            for c, (kind, index) in enumerate(self.c_target):
                if (self.c_parent[c] != -1) != replies:
                    continue
                yield (
                    self.user_ids[self.c_author[c]],
                    targets[kind][index] if kind == "article" else None,
                    targets[kind][index] if kind == "update" else None,
                    targets[kind][index] if kind == "answer" else None,
                    self.comment_ids[self.c_parent[c]] if replies else None,
                    w.text(2, 300, 25),
                    self.c_state[c],
                    self.at(self.c_age[c]),
                )

        fields = ["author", "article", "update", "answer", "parent", "text", "moderation_state", "created_at"]
        with self.timed("comments"):
            top_level = self.copy("comments", Comment, comment_rows(False), fields)
            # Replies are written after the comments they answer, whose ids are known by then.
            self.comment_ids = [0] * len(self.c_target)
            for c, pk in zip((c for c in range(len(self.c_target)) if self.c_parent[c] == -1), top_level, strict=True):
                self.comment_ids[c] = pk
            replies = self.copy("comments", Comment, comment_rows(True), fields)
            for c, pk in zip((c for c in range(len(self.c_target)) if self.c_parent[c] != -1), replies, strict=True):
                self.comment_ids[c] = pk
        with self.timed("reactions"):
            self.copy(
                "reactions",
                Reaction,
                (
                    (self.user_ids[m], self.update_ids[u], kind, self.at(self.later_age(self.u_age[u])))
                    for u, m, kind in self.reactions
                ),
                ["member", "update", "kind", "created_at"],
            )
        with self.timed("helpful votes"):
            self.copy(
                "helpful votes",
                HelpfulVote,
                ((self.answer_ids[a], self.user_ids[m], self.at(self.later_age(self.a_age[a]))) for a, m in self.votes),
                ["answer", "member", "created_at"],
            )

    # --- follows, teams, blocks
    def connections(self) -> None:
        from community.models import Block, QuestionFollow, TeamMembership

        rng, s = self.rng, self.scale
        follows = set()
        if s.questions:
            for m in self.posters:
                for _ in range(int(rng.paretovariate(2.0)) - 1):
                    q = self.skewed(s.questions, 1.5)
                    if self.q_author[q] != m:
                        follows.add((m, q))
            for m in self.posters[: min(300, len(self.posters))]:
                if self.q_author[0] != m:
                    follows.add((m, 0))
        with self.timed("question follows"):
            self.copy(
                "question follows",
                QuestionFollow,
                ((self.user_ids[m], self.question_ids[q], self.at(rng.randint(60, 86400 * 30))) for m, q in follows),
                ["member", "question", "created_at"],
            )
        self.teams = teams = set()
        for m in range(s.members):
            wanted = 10 if m == self.bench_member else min(50, int(rng.paretovariate(1.3)) - 1)
            for _ in range(wanted):
                mate = self.author()
                if mate != m and mate not in self.team_closed:
                    teams.add((m, mate))
        with self.timed("team memberships"):
            self.copy(
                "team memberships",
                TeamMembership,
                ((self.user_ids[m], self.user_ids[mate]) for m, mate in teams),
                ["member", "teammate"],
            )
        self.blocks = blocks = set()
        for m in range(s.members):
            if rng.random() < 0.002 and m != self.bench_member:
                other = self.author()
                if other != m:
                    blocks.add((m, other))
        with self.timed("blocks"):
            self.copy(
                "blocks",
                Block,
                ((self.user_ids[m], self.user_ids[other]) for m, other in blocks),
                ["blocker", "blocked"],
            )

    # --- private messages
    def plan_conversations(self) -> None:
        """Conversations and every message's time and author, decided before any row, so that each
        conversation's `last_message_at` and each member's `last_read_at` agree with its messages.

        Conversation 0 is the long one, between the bench member and (if they have one) a teammate;
        the bench member's other conversations come next, then pairs drawn from the whole community,
        skewed to the busier members, until the messages asked for are shared out. A message request
        (waiting, or ignored) holds its one first message; everything else is accepted on both sides."""
        rng, s = self.rng, self.scale
        # Per conversation: who wrote first, the other member, the other's state, the message count.
        self.v_starter, self.v_other, self.v_state, self.v_count = [], [], [], []
        if not s.messages or len(self.posters) < 2 or self.bench_member is None:
            self.m_age, self.m_author, self.m_conversation = [], [], []
            return
        blocked = {(min(a, b), max(a, b)) for a, b in self.blocks}
        pairs = set()

        def add(starter: int, other: int, state: str, count: int) -> bool:
            pair = (min(starter, other), max(starter, other))
            if starter == other or pair in pairs or pair in blocked:
                return False
            if state != "accepted" and (other, starter) in self.teams:
                state = "accepted"  # the recipient's team writes to them directly
            pairs.add(pair)
            self.v_starter.append(starter)
            self.v_other.append(other)
            self.v_state.append(state)
            self.v_count.append(count)
            return True

        def shape(left: int) -> tuple[str, int]:
            roll = rng.random()
            if roll < 0.09:
                return "pending", 1
            if roll < 0.12:
                return "ignored", 1
            return "accepted", min(left, 2000, 1 + int(rng.lognormvariate(2.0, 1.1)))

        bench = self.bench_member
        left = s.messages
        others = [m for m in self.posters if m != bench and (min(m, bench), max(m, bench)) not in blocked]
        if not others:
            self.m_age, self.m_author, self.m_conversation = [], [], []
            return
        partners = rng.sample(others, min(BENCH_CONVERSATIONS, len(others)))
        can_write = set(others)
        mates = sorted(mate for m, mate in self.teams if m == bench and mate in can_write)
        if mates:  # the long conversation is with a teammate, first in the bench member's list
            if mates[0] in partners:
                partners.remove(mates[0])
            else:
                partners.pop()
            partners.insert(0, mates[0])
        long_count = min(LONG_CONVERSATION_MESSAGES, max(1, s.messages // 4))
        add(partners[0], bench, "accepted", long_count)
        left -= long_count
        for other in partners[1:]:
            if not left:
                break
            state, count = shape(left)
            if add(*((bench, other) if rng.random() < 0.5 else (other, bench)), state, count):
                left -= count
        misses = 0
        while left and misses < 50:
            a = self.posters[self.skewed(len(self.posters), 2.0)]
            b = self.posters[self.skewed(len(self.posters), 2.0)]
            state, count = shape(left)
            if add(a, b, state, count):
                left -= count
                misses = 0
            else:
                misses += 1
        self.v_count[0] += left  # too few pairs left for what was asked: the long conversation takes it

        # Times: a conversation starts after both members joined, its first message at that moment;
        # the others fall between then and its newest message, mostly recent. Speakers take turns
        # more often than not.
        self.m_age, self.m_author, self.m_conversation = [], [], []
        self.v_start, self.v_end = [], []
        for c, count in enumerate(self.v_count):
            starter, other = self.v_starter[c], self.v_other[c]
            oldest = min(self.joined_age[starter], self.joined_age[other]) - 3600
            if c == 0:
                start, end = min(oldest, 400 * 86400), 300.0
            else:
                start = min(oldest, self.recent_age(700))
                end = start if count == 1 else 60.0 + (start - 60.0) * rng.random() ** 2
            middle = sorted((rng.uniform(end, start) for _ in range(count - 2)), reverse=True)
            ages = [start, *middle, end][:count]
            speaker = starter
            for index, age in enumerate(ages):
                if index and rng.random() < 0.6:
                    speaker = other if speaker == starter else starter
                self.m_age.append(age)
                self.m_author.append(speaker)
                self.m_conversation.append(c)
            self.v_start.append(start)
            self.v_end.append(end)

    def _last_read(self, c: int, member: int, state: str, own_last: float | None) -> float | None:
        """When `member` last read conversation `c` (an age), or None: read to the end mostly; else up
        to their own last message, which leaves the other's later ones unread."""
        if state != "accepted":
            return None
        if c == 0 and member == self.bench_member:
            return own_last
        if self.rng.random() < 0.85:
            return self.v_end[c] * self.rng.random()
        return own_last

    def private_messages(self) -> None:
        from messaging.models import Conversation, Message, Participant

        if not self.v_count:
            return
        ids, at, w, rng = self.user_ids, self.at, self.writer, self.rng
        with self.timed("conversations"):
            conversation_ids = self.copy(
                "conversations",
                Conversation,
                (
                    (
                        *sorted((ids[starter], ids[other])),
                        ids[starter],
                        at(self.v_start[c]),
                        at(self.v_end[c]),
                    )
                    for c, (starter, other) in enumerate(zip(self.v_starter, self.v_other, strict=True))
                ),
                ["member_low", "member_high", "started_by", "created_at", "last_message_at"],
            )
        self.loaded.long_conversation_id = conversation_ids[0]
        own_last: dict[tuple[int, int], float] = {}
        for age, author, c in zip(self.m_age, self.m_author, self.m_conversation, strict=True):
            own_last[(c, author)] = min(age, own_last.get((c, author), age))

        def participant_rows():
            for c, (starter, other) in enumerate(zip(self.v_starter, self.v_other, strict=True)):
                for member, state in ((starter, "accepted"), (other, self.v_state[c])):
                    read = self._last_read(c, member, state, own_last.get((c, member)))
                    yield (conversation_ids[c], ids[member], state, None if read is None else at(read))

        with self.timed("conversation places"):
            fields = ["conversation", "member", "state", "last_read_at"]
            self.copy("conversation places", Participant, participant_rows(), fields)

        def message_rows():
            # Oldest first over all conversations, so a conversation's messages are spread over the
            # table as a live site's are, not packed together.
            for i in sorted(range(len(self.m_age)), key=self.m_age.__getitem__, reverse=True):
                age, roll = self.m_age[i], rng.random()
                deleted = roll < 0.01
                edited = not deleted and roll < 0.03 and age > 900
                yield (
                    conversation_ids[self.m_conversation[i]],
                    ids[self.m_author[i]],
                    "" if deleted else w.text(1, 300, 14),
                    at(age),
                    at(age - rng.uniform(10, 900)) if edited else None,
                    at(age * rng.random()) if deleted else None,
                )

        with self.timed("messages"):
            self.loaded.rows["messages"] = self.loaded.rows.get("messages", 0) + copy_rows(
                Message,
                message_rows(),
                ["conversation", "author", "text", "created_at", "edited_at", "deleted_at"],
            )
        # The plan is a few hundred MB at the default scale: no longer needed.
        del self.m_age, self.m_author, self.m_conversation

    # --- the bell
    def notifications(self) -> None:
        from accounts.models import Notification

        rng = self.rng
        question_urls = {}

        def question_url(q: int) -> str:
            if q not in question_urls:
                question_urls[q] = reverse("question_detail_short", args=[self.question_ids[q]])
            return question_urls[q]

        def rows():
            # Half the visible answers told their asker, and a third of the visible comments their
            # update's or answer's author; older ones have been read.
            for a, q in enumerate(self.a_question):
                asker, author = self.q_author[q], self.a_author[a]
                if self.a_state[a] == "visible" and asker != author and rng.random() < 0.5:
                    yield self._notification(
                        asker,
                        "answer",
                        f"{self.names[author]} answered your question",
                        f"{question_url(q)}#answer-{self.answer_ids[a]}",
                        f"question:{self.question_ids[q]}",
                        self.a_age[a],
                    )
            for c, (kind, index) in enumerate(self.c_target):
                if kind == "article" or self.c_state[c] != "visible" or rng.random() > 1 / 3:
                    continue
                owner = (self.u_author if kind == "update" else self.a_author)[index]
                if owner == self.c_author[c]:
                    continue
                pk = (self.update_ids if kind == "update" else self.answer_ids)[index]
                url = (
                    reverse("update_detail", args=[pk])
                    if kind == "update"
                    else f"{question_url(self.a_question[index])}#answer-{pk}"
                )
                yield self._notification(
                    owner,
                    "reply",
                    f"{self.names[self.c_author[c]]} commented on your {kind}",
                    url,
                    f"{kind}:{pk}",
                    self.c_age[c],
                )

        with self.timed("notifications"):
            self.copy(
                "notifications",
                Notification,
                rows(),
                [
                    "recipient",
                    "kind",
                    "message",
                    "url",
                    "thread_key",
                    "created_at",
                    "read_at",
                    "email_status",
                    "emailed_at",
                ],
            )

    def _notification(self, recipient: int, kind: str, message: str, url: str, thread: str, age: float) -> tuple:
        read = age > 3 * 86400 and self.rng.random() < 0.9
        emailed = self.rng.random() < 0.5
        return (
            self.user_ids[recipient],
            kind,
            message[:500],
            url,
            thread,
            self.at(age),
            self.at(age - 600) if read else None,
            "sent" if emailed else "",
            self.at(age - 300) if emailed else None,
        )
