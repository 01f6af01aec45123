"""Demo articles for `seed_demo`. Idempotent: contributors, topics and articles are looked up
by name or slug before creation, and an existing article is never touched.

The people are fictional; the facts follow the public pages cited in each reference list.
"""

import datetime
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import Biomarker
from articles.models import Article, Contributor, Reference, Topic, Treatment
from articles.services import add_twelve_months, article_render_body

NCI_LUNG = ("Lung cancer: patient version", "National Cancer Institute", "https://www.cancer.gov/types/lung", 2025)
ACS_LUNG = (
    "Lung cancer",
    "American Cancer Society",
    "https://www.cancer.org/cancer/types/lung-cancer.html",
    2025,
)
NCI_TARGETED = (
    "Targeted therapy to treat cancer",
    "National Cancer Institute",
    "https://www.cancer.gov/about-cancer/treatment/types/targeted-therapies",
    2024,
)
NCI_BIOMARKER = (
    "Biomarker testing for cancer treatment",
    "National Cancer Institute",
    "https://www.cancer.gov/about-cancer/treatment/types/biomarker-testing-cancer-treatment",
    2024,
)
NCI_IMMUNO_SIDE_EFFECTS = (
    "Immunotherapy side effects",
    "National Cancer Institute",
    "https://www.cancer.gov/about-cancer/treatment/types/immunotherapy/side-effects",
    2024,
)
ALA_LUNG = (
    "Lung cancer",
    "American Lung Association",
    "https://www.lung.org/lung-health-diseases/lung-disease-lookup/lung-cancer",
    2025,
)
NCI_CAREGIVERS = (
    "Support for caregivers of cancer patients",
    "National Cancer Institute",
    "https://www.cancer.gov/about-cancer/coping/family-friends/family-caregivers",
    2024,
)
NCI_COPING = (
    "Coping with your feelings during advanced cancer",
    "National Cancer Institute",
    "https://www.cancer.gov/about-cancer/advanced-cancer/coping/feelings",
    2024,
)

CONTRIBUTORS = {
    "reviewer": (
        "Helen Marsh",
        "M.D.",
        True,
        "Helen is a thoracic oncologist who has cared for people with lung "
        "cancer for twenty years. She reviews every Kindred article for medical accuracy.",
    ),
    "nurse": (
        "Samuel Osei",
        "R.N., B.S.N.",
        False,
        "Samuel is an oncology nurse who spent a decade on a chemotherapy "
        "day unit. He writes about treatment days and the practical questions that come with them.",
    ),
    "writer": (
        "Clara Bennett",
        "M.A.",
        False,
        "Clara writes about health for patients and families. She looked "
        "after her father through his lung cancer treatment.",
    ),
}

TOPICS = [
    ("Targeted therapy", "targeted-therapy", None, "Medicines aimed at the gene changes that drive some lung cancers."),
    ("Immunotherapy", "immunotherapy", None, "Treatments that help the immune system find and attack cancer cells."),
    ("Diagnosis and testing", "diagnosis-and-testing", None, "Scans, biopsies and the tests that guide treatment."),
    (
        "Living with lung cancer",
        "living-with-lung-cancer",
        None,
        "Everyday life, feelings and plans during and after treatment.",
    ),
    ("Caregiving", "caregiving", None, "For the partners, children and friends who help someone through treatment."),
    ("EGFR", "egfr", "EGFR", "Lung cancers with a change in the EGFR gene, and the tablets that target it."),
    ("ALK", "alk", "ALK", "Lung cancers with an ALK gene rearrangement, and the medicines that target it."),
    ("ROS1", "ros1", "ROS1", "Lung cancers with a ROS1 gene rearrangement, and the medicines that target it."),
    (
        "KRAS",
        "kras",
        "KRAS",
        "Lung cancers with a KRAS gene change, including the G12C change that now has treatments.",
    ),
]

ARTICLES = [
    {
        "slug": "biomarker-testing-explained",
        "title": "Biomarker testing: the test that can change your treatment",
        "summary": "Why your care team may test your tumour for gene changes and proteins before choosing a "
        "treatment, and what to ask about the results.",
        "author": "nurse",
        "topics": ["diagnosis-and-testing", "targeted-therapy"],
        "days_ago": 40,
        "colour": (11, 93, 87),
        "references": [NCI_BIOMARKER, NCI_LUNG, ACS_LUNG],
        "body": """
When lung cancer is found, the first question most people ask is how it will be treated. For many people with
non-small cell lung cancer, part of that answer comes from a test on the tumour itself, called biomarker testing.
You may also hear it called molecular testing, genomic testing or tumour profiling[^1].

## What a biomarker is

A biomarker is something in the body that can be measured and that tells doctors about a disease. In lung cancer
the most useful biomarkers are changes in the genes of the cancer cells, and proteins those cells make. These
changes happened in the tumour during your life. They are not usually passed down in families, and finding one
does not mean your children carry it[^1].

## Why it matters for treatment

Some gene changes act like a switch that is stuck on, telling cancer cells to keep growing. Medicines called
targeted therapies can block some of these switches. If your tumour has one of them, a targeted medicine may work
better and be easier to live with than chemotherapy[^2]. A protein called PD-L1 is measured too, because it helps
predict how well immunotherapy may work.

## How the test is done

Most often the laboratory uses tissue that was already taken during your biopsy. Sometimes there is not enough,
and a second biopsy is needed. A blood test, often called a liquid biopsy, can look for tumour DNA in the blood
and may give results sooner, although it can miss changes that a tissue test would find[^1].

Results usually take one to three weeks. Waiting is hard, and many people worry that the delay will let the
cancer grow. Talk to your team about it: for most people, starting the right treatment matters more than starting
a few days sooner, but your doctor knows your situation best.

## Questions to ask your care team

- Has my tumour been tested for all the recommended biomarkers?
- Was the test done on tissue, blood, or both?
- When will I get the results, and who will explain them to me?
- If a change is found, is there a medicine or a clinical trial for it?

Guidelines now recommend biomarker testing for most people with advanced non-small cell lung cancer[^3]. If
nobody has mentioned it, it is a fair and important question to ask.
""",
    },
    {
        "slug": "egfr-alk-ros1-kras-what-they-mean",
        "title": "EGFR, ALK, ROS1 and KRAS: what the letters in your report mean",
        "summary": "A plain guide to four gene changes found in lung cancer, how common they are and how each "
        "one shapes the choice of treatment.",
        "author": "writer",
        "topics": ["diagnosis-and-testing", "egfr", "alk", "ros1", "kras"],
        "days_ago": 30,
        "colour": (176, 120, 60),
        "references": [NCI_BIOMARKER, NCI_TARGETED, ACS_LUNG],
        "body": """
Biomarker reports are full of capital letters. Each set of letters is the short name of a gene. Here is what the
four you are most likely to see mean for people with non-small cell lung cancer[^1].

## EGFR

EGFR stands for epidermal growth factor receptor. It sits on the surface of cells and passes on signals to grow.
Certain changes, often called mutations, keep that signal switched on. EGFR changes are found more often in people
who never smoked, in women and in people of East Asian descent, though anyone can have one. Several daily tablets
block EGFR, and for many people they keep the cancer under control for a long time[^2].

## ALK

In ALK-positive lung cancer, a piece of the ALK gene has broken off and joined another gene, usually one called
EML4. This is called a rearrangement or fusion. It tends to be found in younger people and in people who smoked
little or not at all. There are several generations of ALK medicines, and if one stops working, another may
still help[^2].

## ROS1

ROS1 is another fusion, and a rarer one: it appears in only a small share of lung cancers. It behaves a lot like
ALK, and some of the same medicines work against both. Because it is uncommon, it is worth making sure your test
looked for it[^1].

## KRAS

KRAS changes are among the most common in lung cancer, especially in people who have smoked. For many years no
medicine could target KRAS. That changed with drugs designed for one particular change, called G12C. Other KRAS
changes are still being studied in clinical trials[^2].

## What to do with this information

Your report may list other genes too, such as BRAF, MET, RET, NTRK or HER2, and most now have a targeted option.
If your report finds no change, that is also useful: it points your team towards immunotherapy, chemotherapy or
a combination[^3].

Every cancer is different, and the same letters can mean different things for different people. Bring your
report to your next appointment and ask your oncologist to go through it line by line.
""",
    },
    {
        "slug": "living-with-targeted-therapy",
        "title": "Living with targeted therapy: daily tablets and what to watch for",
        "summary": "Targeted medicines are often taken at home as tablets. Here is how they work, the side effects "
        "people commonly notice, and why resistance is planned for rather than feared.",
        "author": "nurse",
        "topics": ["targeted-therapy", "living-with-lung-cancer", "egfr"],
        "days_ago": 22,
        "colour": (60, 110, 150),
        "references": [NCI_TARGETED, NCI_LUNG],
        "body": """
For many people whose lung cancer has a gene change, treatment is a tablet taken once or twice a day at home.
That is a very different rhythm from coming to hospital for a drip, and it brings its own questions[^1].

## How targeted medicines work

Targeted medicines attach to the faulty protein made by the changed gene and stop it from sending growth
signals. Because they act mainly on cancer cells that carry the change, they usually spare more healthy cells than
chemotherapy does. They only work when the target is there, which is why biomarker testing comes first[^1].

## Side effects people often notice

Side effects depend on the medicine. Common ones include an acne-like rash on the face and chest, dry skin,
sore skin around the nails, diarrhoea, tiredness and mouth sores. Some medicines can affect the liver, the heart
rhythm or, rarely, the lungs, so you will have regular blood tests and check-ups[^1].

Tell your team early about any side effect, even if it seems small. Many can be eased with creams, medicines or a
change of dose, and sorting them out early makes it easier to stay on treatment. Tell them at once about new or
worse breathlessness or a cough with a fever.

## Taking tablets well

- Take them at the same time each day, with or without food as your pharmacist advised.
- Ask before starting any new medicine, supplement or herbal remedy, including grapefruit juice.
- Keep a simple diary of side effects to bring to appointments.

## When the cancer changes

Over months or years, cancer cells can find ways around a targeted medicine. This is called resistance, and your
team expects it. Regular scans look for it, and a new biopsy or blood test may show why it happened. Often
there is another medicine, a combination, or a clinical trial to try next[^2].
""",
    },
    {
        "slug": "immunotherapy-side-effects",
        "title": "Immunotherapy side effects: what to report and when",
        "summary": "Immunotherapy side effects can appear in any part of the body, sometimes months after "
        "treatment starts. Knowing what to report early keeps them manageable.",
        "author": "nurse",
        "topics": ["immunotherapy"],
        "days_ago": 15,
        "colour": (120, 80, 130),
        "references": [NCI_IMMUNO_SIDE_EFFECTS, NCI_LUNG, ALA_LUNG],
        "body": """
Immunotherapy has changed lung cancer care. The medicines most often used are called checkpoint inhibitors. They
release a brake that cancer cells put on the immune system, so the body's own defences can attack the cancer[^1].

## Why the side effects are different

Releasing that brake can also let the immune system attack healthy organs. Doctors call this an immune-related
side effect. It can affect the skin, gut, lungs, liver, hormone glands, joints and, less often, the heart or
nerves. These side effects can start at any time, including after treatment has finished[^1].

## Common and usually mild

- Tiredness
- Itchy skin or a rash
- Loose stools
- Aching joints or muscles
- Feeling cold, low in energy or putting on weight, which can mean the thyroid gland is affected

Many of these are mild and can be treated. Thyroid problems are often managed with a daily hormone tablet[^1].

## Report these straight away

Call your cancer team's helpline, day or night, if you notice:

- a new cough or feeling short of breath
- diarrhoea several times a day, blood in your stools or strong tummy pain
- yellow skin or eyes, or very dark urine
- severe headache, changes in your eyesight or feeling faint
- chest pain or a racing heartbeat

These can be signs of inflammation that needs treatment quickly, often with steroids. Caught early, most
immune side effects settle well[^1].

## Carry your treatment card

Keep the alert card your hospital gives you, and show it to any doctor or emergency department you visit.
Someone who does not know you are on immunotherapy might mistake an immune side effect for an infection[^2].

## Staying on treatment

A side effect does not always mean stopping for good. Some people pause and restart once things settle; others
move to a different plan. Your team will weigh how well the cancer is responding against how you feel, and they
will want to hear what matters to you.

Immunotherapy may be given alone or with chemotherapy, and your team will explain which applies to you[^3].
""",
    },
    {
        "slug": "caring-for-someone-in-treatment",
        "title": "Caring for someone in treatment without losing yourself",
        "summary": "Practical ways to help a partner, parent or friend through lung cancer treatment, and why "
        "looking after yourself is part of caring for them.",
        "author": "writer",
        "topics": ["caregiving", "living-with-lung-cancer"],
        "days_ago": 10,
        "colour": (150, 100, 50),
        "references": [NCI_CAREGIVERS, ACS_LUNG],
        "body": """
If someone you love has lung cancer, you may have become a caregiver almost overnight. Nobody hands you a job
description, and the role changes from week to week[^1].

## The practical side

Caregivers often end up keeping the calendar, collecting prescriptions and driving to appointments. A few habits
make that easier:

- Keep one notebook or shared document for appointments, medicines, questions and the answers you were given.
- Write down the phone numbers for the cancer team's helpline and out-of-hours service, and keep them by the phone.
- Go to appointments when you can. A second pair of ears helps, and you can take notes while they listen.
- Ask the team who to call about what, so you do not spend hours being passed between departments.

## Talking about what is happening

People cope in different ways. Some want every detail; others want to know only what the next step is. Ask
the person you care for how much they want to know and who they want told. Let them lead on when to talk about
hard things, but do not be afraid to raise them gently[^1].

## Accepting help

Friends often say "let me know if you need anything" and then wait. Give them a job: a meal on Thursdays, a lift
to the Tuesday scan, an hour of company so you can go for a walk. Most people are relieved to be asked.

## Looking after yourself

Caregivers are more likely to feel anxious, low and exhausted, and to let their own health slip[^1]. Keep your
own doctor's appointments. Sleep, eat and get outside when you can. It is normal to feel angry, guilty or
frightened, sometimes all in one afternoon.

Talking to other caregivers can help more than anything. Many hospitals run carers' groups, cancer charities
offer helplines for family members, and here on Kindred you will find people who understand[^2].
""",
    },
    {
        "slug": "scanxiety",
        "title": "Scanxiety: getting through the wait for scan results",
        "summary": "Many people feel anxious before and after a scan. Here are practical ways to make the waiting "
        "easier and to plan how you will hear the results.",
        "author": "writer",
        "topics": ["living-with-lung-cancer", "diagnosis-and-testing"],
        "days_ago": 5,
        "colour": (70, 120, 90),
        "references": [NCI_COPING, NCI_LUNG, ALA_LUNG],
        "body": """
The days around a scan can be some of the hardest in lung cancer care. People in the community have a word for
it: scanxiety. If your sleep, appetite or temper suffer before a scan, you are far from alone[^1].

## Why scans feel so heavy

Scans are how you and your team learn whether treatment is working. They can bring good news, a change of plan, or
something in between. Waiting for an answer you cannot control is stressful, and it is natural for the mind to
jump to the worst case[^1].

## Before the scan

- Ask when and how you will get the results, so you are not waiting for a call that was never planned.
- Book the results appointment as close to the scan as your team can manage.
- Plan something gentle for the days in between: a film, a walk, a visit from a friend.
- If you find the scanner itself hard, tell the radiographers. They can talk you through it and may offer
  ways to make it easier.

## While you wait

Notice when worry takes over and try to bring yourself back to the present: slow breathing, a short walk or
naming five things you can see. Limit late-night searching online; it rarely answers your real question and often
feeds fear. Some people find it helps to write their worries down and set them aside for the appointment[^1].

## Hearing the results

Bring someone with you if you can, and a list of questions. It is fine to ask the doctor to slow down, repeat
something or draw a picture. Reports often use words like "stable" or "no evidence of progression", which are
usually good news; ask what each phrase means for you[^2].

## When worry does not lift

If anxiety is with you most days, or stops you sleeping or eating, tell your care team. Counselling, support
groups and, for some people, medicine can help. Talking to others who know the wait can help too[^3].
""",
    },
]


# Catalogue medicines (slugs) each demo article discusses, shown on the medicines' hub pages.
ARTICLE_TREATMENTS = {
    "biomarker-testing-explained": ["osimertinib", "alectinib", "crizotinib", "sotorasib", "adagrasib"],
    "living-with-targeted-therapy": ["osimertinib", "alectinib", "lorlatinib", "sotorasib"],
}


def _link_treatments() -> None:
    """Add the demo links; `add` ignores links already there, and staff-made links stay."""
    treatments = {
        t.slug: t for t in Treatment.objects.filter(slug__in={s for v in ARTICLE_TREATMENTS.values() for s in v})
    }
    for article in Article.objects.filter(slug__in=ARTICLE_TREATMENTS):
        article.treatments.add(*(treatments[slug] for slug in ARTICLE_TREATMENTS[article.slug] if slug in treatments))


def _hero_image(slug: str, colour: tuple[int, int, int]) -> ContentFile:
    """A calm abstract picture so the demo looks like the real thing without any stock photos."""
    width, height = 1200, 630
    image = Image.new("RGB", (width, height), (241, 236, 226))
    draw = ImageDraw.Draw(image)
    for step in range(6):
        radius = 520 - step * 80
        tint = tuple(int(c + (241 - c) * step / 7) for c in colour)
        draw.ellipse((width - radius - 80, height // 2 - radius, width - 80 + radius, height // 2 + radius), fill=tint)
    draw.rounded_rectangle((60, 380, 560, 420), radius=20, fill=colour)
    draw.rounded_rectangle((60, 450, 420, 490), radius=20, fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{slug}.png")


def _contributors() -> dict[str, Contributor]:
    contributors = {}
    for key, (name, credentials, is_reviewer, bio) in CONTRIBUTORS.items():
        contributors[key], _ = Contributor.objects.get_or_create(
            name=name, defaults={"credentials": credentials, "is_medical_reviewer": is_reviewer, "bio": bio}
        )
    return contributors


def _topics() -> dict[str, Topic]:
    biomarkers = {b.code: b for b in Biomarker.objects.all()}
    topics = {}
    for name, slug, biomarker_code, description in TOPICS:
        topics[slug], _ = Topic.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "biomarker": biomarkers.get(biomarker_code)},
        )
    return topics


def seed() -> list[str]:
    """Demo articles for `seed_demo`; returns the slugs it created."""
    created = []
    with transaction.atomic():
        contributors = _contributors()
        topics = _topics()
        now = timezone.now()
        for spec in ARTICLES:
            if Article.objects.filter(slug=spec["slug"]).exists():
                continue
            published_at = now - datetime.timedelta(days=spec["days_ago"])
            article = Article(
                slug=spec["slug"],
                title=spec["title"],
                summary=spec["summary"],
                body=spec["body"].strip(),
                author=contributors[spec["author"]],
                reviewer=contributors["reviewer"],
                hero_alt="An abstract illustration of soft overlapping circles.",
                status=Article.Status.PUBLISHED,
                published_at=published_at,
                last_reviewed_at=published_at,
                review_due_at=add_twelve_months(published_at),
            )
            hero = _hero_image(spec["slug"], spec["colour"])
            article.hero_image.save(hero.name, hero, save=False)
            article_render_body(article=article)
            article.save()
            article.topics.set([topics[slug] for slug in spec["topics"]])
            Reference.objects.bulk_create(
                Reference(article=article, number=number, title=title, source=source, url=url, year=year)
                for number, (title, source, url, year) in enumerate(spec["references"], start=1)
            )
            created.append(article.slug)
        _link_treatments()
    return created
