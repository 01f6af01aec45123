"""Demo community content for `seed_demo`: updates (some with pictures), questions and answers,
comments, reactions, helpful votes and teams, spread over the last three weeks.

Idempotent: if the first demo update already exists, nothing is added. Rows are written straight
through the ORM (the services' posting limits would stop a seed), and every counter is set from the
rows this module creates, so counts on items match the rows they count.

The people are fictional and every word is written for Kindred. Medical details are told as one
member's own experience, never as advice.
"""

import io
import math
import random
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from accounts.images import reencode_picture
from accounts.models import User
from articles.models import Article, Topic
from community.models import Answer, Comment, HelpfulVote, Question, Reaction, TeamMembership, Update

# How long ago each demo member joined, so "member since" reads before their first post.
JOINED_DAYS_AGO = {
    "maria": 410,
    "tom": 160,
    "aiko": 300,
    "samuel": 520,
    "grace": 95,
    "priya": 120,
    "james": 70,
    "elena": 240,
    "david": 380,
    "nomvula": 45,
    "lin": 60,
    "fatima": 40,
    "peter": 28,
}

# Members who react often, and those who mostly read.
ACTIVE = ["maria", "samuel", "aiko", "tom", "priya", "lin", "grace", "james", "elena"]
QUIET = ["david", "nomvula", "fatima", "peter"]

# (key, author, days ago, text, picture motif or "", picture description, mood)
# mood picks the reactions it tends to get: "hard" draws hugs, "good" likes, "tip" thanks.
UPDATES = [
    (
        "beans",
        "maria",
        20.6,
        "First proper afternoon in the garden since spring. I planted two rows of broad beans and had to sit on "
        "an upturned bucket halfway through, but they are in. Osimertinib has left my fingertips cracked, so "
        "gardening gloves are not optional any more.",
        "garden",
        "An abstract garden bed: rows of dark soil with small round green plants under a pale sky.",
        "good",
    ),
    (
        "questions-list",
        "tom",
        20.1,
        "Cycle three of carboplatin and etoposide done, with the atezolizumab alongside. Linda slept most of the "
        "weekend. I have started writing my questions down the night before clinic, because the moment we sit "
        "down in that room my mind goes completely blank.",
        "",
        "",
        "hard",
    ),
    (
        "clear-mri",
        "aiko",
        19.4,
        "Brain MRI clear again. My oncologist explained early on that ALK-positive lung cancer can spread to the "
        "brain, which is why they check so often, so this is always the result I hold my breath for. Celebrating "
        "with a very large bowl of ramen.",
        "",
        "",
        "good",
    ),
    (
        "hill-walk",
        "samuel",
        19.0,
        "Three years since my lobectomy today. The hill behind our house used to leave me bent over at the bench "
        "halfway up. This morning I walked past the bench and kept going.",
        "path",
        "A pale path leading through green fields towards soft hills under a morning sky.",
        "good",
    ),
    (
        "crizotinib-two-months",
        "priya",
        18.5,
        "Two months on crizotinib. The strange light trails I got when walking into a dim room have mostly "
        "faded, which my oncologist said often happens after the first weeks. For me the nausea is much better "
        "when I take it with a proper meal rather than a biscuit.",
        "",
        "",
        "tip",
    ),
    (
        "crossword",
        "grace",
        18.1,
        "Sat with Niamh through her infusion today. I brought the crossword and we managed two clues. Mostly we "
        "talked about school, thirty years ago, and laughed at the same teachers. I think that was the point.",
        "",
        "",
        "good",
    ),
    (
        "swallowing",
        "james",
        17.6,
        "Week four of six of radiotherapy, with chemo once a week alongside it. Swallowing is sore now, like a "
        "fishbone that never leaves. The radiographers gave me a numbing liquid to take before meals, and soup "
        "has become my entire personality.",
        "",
        "",
        "hard",
    ),
    (
        "sea",
        "elena",
        17.2,
        "Took Papá to the sea on Sunday. He walked as far as the second bench on the promenade, then we sat and "
        "counted boats for an hour. His ankles swell by the evening on capmatinib, so the bench was welcome.",
        "sea",
        "A calm sea meeting a pale horizon, with a low sun in a peach-coloured sky.",
        "good",
    ),
    (
        "scan-tomorrow",
        "maria",
        16.4,
        "Scan tomorrow. I know the routine by heart now: cannula, the warm rush from the contrast, lie still, "
        "breathe in, hold. Knowing it does not untie the knot in my stomach. Does anyone else clean the whole "
        "house the night before?",
        "",
        "",
        "hard",
    ),
    (
        "stable",
        "maria",
        15.3,
        "Stable! Ninth stable scan in a row. Thank you to everyone who kept me company here yesterday.",
        "",
        "",
        "good",
    ),
    (
        "blood-pressure",
        "david",
        15.0,
        "My blood pressure has been creeping up on selpercatinib, which my care team told me to expect might "
        "happen. So now I own a home cuff, a little notebook, and a GP who is very interested in my mornings.",
        "",
        "",
        "tip",
    ),
    (
        "bell",
        "nomvula",
        14.6,
        "Last radiotherapy session today, and I rang the bell. My hands were shaking. I did not expect to cry so much.",
        "",
        "",
        "good",
    ),
    (
        "back-at-work",
        "aiko",
        14.1,
        "The view from my desk this week. Back at work three days a week; the other two are for appointments and "
        "naps. My manager set it all up without me having to explain twice.",
        "window",
        "A window with a soft blue sky beyond it and a round green plant on the sill.",
        "good",
    ),
    (
        "kitchen-haircut",
        "tom",
        13.5,
        "Linda's hair started coming out this week. She asked me to shave it all off in the kitchen, and we "
        "laughed more than I thought we would. She says she looks like her granddad. She does, a bit.",
        "",
        "",
        "hard",
    ),
    (
        "shared-calendar",
        "lin",
        13.0,
        "Mum started osimertinib together with pemetrexed and carboplatin this month, after her team talked us "
        "through why they suggested the combination for her. The chemo part is every three weeks. I made a "
        "shared calendar for my brothers so nobody has to be the one who remembers everything.",
        "",
        "",
        "tip",
    ),
    (
        "breathing-exerciser",
        "samuel",
        12.6,
        "Something that worked for me after surgery: the little breathing exerciser they sent me home with is "
        "boring, and I did it anyway. I kept it next to the kettle and did ten breaths every time I made tea.",
        "",
        "",
        "tip",
    ),
    (
        "sunrise",
        "priya",
        12.0,
        "Could not sleep, so I watched the sun come up from the back step. Some mornings are just good mornings.",
        "sunrise",
        "A low orange sun rising over soft layered hills, the sky fading from peach to pale blue.",
        "good",
    ),
    (
        "first-post",
        "peter",
        11.7,
        "First post. I was diagnosed with pleural mesothelioma in the summer, forty years after working with "
        "asbestos sheeting. On nivolumab and ipilimumab now. Not much of a writer, but I have been reading here "
        "for weeks and it helps.",
        "",
        "",
        "hard",
    ),
    (
        "nail-folds",
        "maria",
        11.2,
        "The skin around two fingernails is red and sore again. The dermatology nurse suggested salt-water soaks "
        "and a cream, and told me not to pick at it, which is the hardest instruction I have ever been given.",
        "",
        "",
        "hard",
    ),
    (
        "radiotherapy-done",
        "james",
        10.5,
        "Radiotherapy finished. The team warned me the soreness can get worse for a week or two before it eases, "
        "and they were right. If the next scan looks settled, I start durvalumab next month.",
        "",
        "",
        "good",
    ),
    (
        "school-run",
        "fatima",
        10.1,
        "Six weeks since my lobectomy and back on the school run, slowly. Chemotherapy starts next week. My "
        "surgeon recommended it to lower the chance of the cancer coming back at my stage.",
        "",
        "",
        "hard",
    ),
    (
        "cousins",
        "elena",
        9.4,
        "Papá's scan shows things have shrunk. He pretended not to care, then phoned every cousin in Valencia.",
        "",
        "",
        "good",
    ),
    (
        "trial-visit",
        "aiko",
        8.8,
        "Study visit day: bloods, ECG, questionnaire, and a research nurse who remembers my cat's name. The "
        "travel is tiring, but I like knowing my results might help someone diagnosed after me.",
        "",
        "",
        "good",
    ),
    (
        "quieter-part",
        "tom",
        8.2,
        "Fourth cycle done. From here it is the immunotherapy on its own every few weeks, which the nurse called "
        "\u201cthe quieter part\u201d. We are going to hold her to that.",
        "",
        "",
        "good",
    ),
    (
        "lake-loop",
        "david",
        7.6,
        "Made it round the lake loop for the first time since starting treatment. Slowly, with a rest on every "
        "bench, but all the way round.",
        "lake",
        "A path leading towards a row of autumn-coloured trees beside still water.",
        "good",
    ),
    (
        "tell-them-everything",
        "grace",
        7.1,
        "Niamh got a rash on her arms this week, and her team took it seriously straight away, which was "
        "reassuring. I am learning that you tell them everything, even the things that seem small.",
        "",
        "",
        "tip",
    ),
    (
        "fatigue",
        "nomvula",
        6.5,
        "Tired in a way that sleep does not fix. My nurse said tiredness from radiotherapy can carry on for weeks "
        "after it ends. I am trying short walks and saying no to things.",
        "",
        "",
        "hard",
    ),
    (
        "told-work",
        "priya",
        5.9,
        "Told my team at work today. I had rehearsed it for a week and it took two minutes. Everyone was kind. "
        "One colleague's mum had lung cancer too, and we went for coffee afterwards.",
        "",
        "",
        "good",
    ),
    (
        "best-seat",
        "lin",
        5.2,
        "Mum's new spot by the window. Chemo days wipe her out, so we turned that chair into the best seat in "
        "the house: blanket, radio, and tea within reach.",
        "window",
        "A bright window with a potted green plant on the sill.",
        "good",
    ),
    (
        "beans-up",
        "maria",
        4.6,
        "The broad beans are up! Three weeks since I planted them from that bucket.",
        "seedlings",
        "Rows of small green seedlings in dark soil under a bright sky.",
        "good",
    ),
    (
        "no-evidence",
        "samuel",
        3.8,
        "Scan results this afternoon: still no evidence of disease. Three years of this and I never stop being "
        "grateful.",
        "",
        "",
        "good",
    ),
    (
        "thyroid",
        "peter",
        3.1,
        "Had my thyroid checked after weeks of feeling sluggish. It was low, and my doctor thinks the "
        "immunotherapy is the likely cause. I take a small tablet for it every morning now and already have "
        "more energy.",
        "",
        "",
        "tip",
    ),
    (
        "sunscreen",
        "aiko",
        2.4,
        "Sunscreen restock. On alectinib I burn faster than I ever have, so it is hat, sleeves and factor 50 "
        "even when it is cloudy.",
        "",
        "",
        "tip",
    ),
    (
        "lemon-tree",
        "tom",
        1.6,
        "A quiet week, as promised. We went to the garden centre and Linda chose a lemon tree we have no room for.",
        "",
        "",
        "good",
    ),
    (
        "toast",
        "james",
        0.9,
        "Swallowing is nearly back to normal. Had toast this morning. I never thought I would post about toast.",
        "",
        "",
        "good",
    ),
    (
        "allotment-sunrise",
        "maria",
        0.3,
        "",
        "sunrise-gold",
        "Sunrise over the allotment: a golden sun low behind layered green hills and a pale sky.",
        "good",
    ),
]

# Comments on updates: (update key, author, hours after the update, text, index of the comment replied to).
UPDATE_COMMENTS = [
    ("beans", "grace", 3, "Broad beans! My gran grew them every year. I hope the gloves help.", None),
    ("beans", "samuel", 20, "Sitting on a bucket absolutely counts as gardening.", None),
    ("questions-list", "lin", 5, "The question list saved us too. I keep mine in my phone notes.", None),
    ("questions-list", "maria", 9, "Sending strength to you both.", None),
    ("clear-mri", "priya", 2, "Ramen is the correct way to celebrate.", None),
    ("hill-walk", "maria", 4, "Past the bench! That is brilliant.", None),
    ("hill-walk", "fatima", 30, "This gives me hope, a month after my own surgery.", None),
    ("swallowing", "nomvula", 6, "The numbing liquid was my best friend too. It does get better.", None),
    ("swallowing", "elena", 11, "Thinking of you. Soup is a fine personality.", None),
    ("sea", "tom", 8, "Counting boats sounds like a perfect afternoon.", None),
    ("scan-tomorrow", "samuel", 1, "Clean the house and batch-cook for a week. Thinking of you.", None),
    ("scan-tomorrow", "aiko", 2, "Every single time. Good luck tomorrow.", None),
    ("scan-tomorrow", "maria", 3, "Batch-cooking is a whole new level. I am stealing that.", 10),
    ("scan-tomorrow", "priya", 5, "I reorganise the spice drawer. It is the tidiest drawer in London.", 10),
    ("stable", "aiko", 1, "Ninth! Wonderful news.", None),
    ("stable", "tom", 3, "So pleased for you, Maria.", None),
    ("stable", "grace", 6, "Yes! Go and tell the broad beans.", None),
    ("bell", "james", 2, "You earned that bell.", None),
    ("bell", "fatima", 7, "Crying is allowed. Congratulations.", None),
    ("kitchen-haircut", "grace", 4, "What a thing to do together. Love to Linda.", None),
    ("first-post", "samuel", 3, "Welcome, Peter. Glad you posted.", None),
    (
        "first-post",
        "grace",
        9,
        "Welcome. My friend Niamh has mesothelioma too and is on the same two medicines. Ask anything.",
        None,
    ),
    ("school-run", "samuel", 5, "The school run is a real milestone. Go gently with the chemo.", None),
    ("cousins", "lin", 4, "Every cousin! This made my day.", None),
    ("fatigue", "maria", 3, "Short walks and saying no are part of the treatment too. Rest well.", None),
    ("no-evidence", "maria", 1, "The best words. Congratulations, Samuel.", None),
    ("no-evidence", "james", 5, "This is the kind of post I come here for.", None),
    ("lemon-tree", "maria", 2, "There is always room for a lemon tree.", None),
]

# Comments on articles: (article slug, author, days ago, text, index of the comment replied to).
ARTICLE_COMMENTS = [
    (
        "scanxiety",
        "samuel",
        4.2,
        "I plan something for the afternoon after every scan, like the article suggests. Fish and chips by the "
        "sea, whatever the result.",
        None,
    ),
    ("scanxiety", "priya", 3.5, "Sharing this with my husband, who worries more than I do.", None),
    (
        "living-with-targeted-therapy",
        "maria",
        18.0,
        "I recognised so much here. Keeping a side effect diary has made my appointments far easier.",
        None,
    ),
    (
        "living-with-targeted-therapy",
        "david",
        12.4,
        "I started a diary after reading this. It is handy for my blood pressure readings too.",
        2,
    ),
    (
        "caring-for-someone-in-treatment",
        "tom",
        8.3,
        "Printed this and stuck it on the fridge. The part about saying yes to specific offers of help changed "
        "how I answer people.",
        None,
    ),
    (
        "biomarker-testing-explained",
        "fatima",
        11.0,
        "I wish I had read this before my first appointment. I did not know I could ask whether the results had "
        "come back.",
        None,
    ),
    ("egfr-alk-ros1-kras-what-they-mean", "james", 9.2, "Clear and not frightening. Thank you.", None),
    ("immunotherapy-side-effects", "peter", 2.9, "The thyroid section was me this month. Worth reading.", None),
]

# Questions: answers are (author, hours after the question, text, helpful votes, comments).
# An answer's comments are (author, hours after the answer, text). "accepted" is the asker's choice.
QUESTIONS = [
    {
        "author": "lin",
        "days_ago": 19.2,
        "title": "What helped with the skin rash from osimertinib?",
        "details": "Mum has a rash on her face and chest two weeks in. Her team gave her a cream, and I would love "
        "to hear what else made daily life easier for others.",
        "topic": "egfr",
        "anonymous": False,
        "answers": [
            (
                "maria",
                3,
                "For me the rash was worst in the first couple of months and then calmed down. What helped me was a "
                "plain, unperfumed moisturiser twice a day, lukewarm showers, and telling my team early so they "
                "could prescribe what I needed. My oncologist was clear that I should not just put up with it.",
                5,
                [("lin", 2, "Thank you, this is so practical. We bought the moisturiser today.")],
            ),
            (
                "aiko",
                7,
                "I am on a different tablet, but a nurse told me to avoid anything perfumed and to use a gentle soap "
                "substitute. It is worth checking with the team before trying anything new.",
                2,
                [],
            ),
        ],
        "accepted": 0,
    },
    {
        "author": "james",
        "days_ago": 17.1,
        "title": "How do you talk to teenagers about a lung cancer diagnosis?",
        "details": "Two kids, 14 and 16. They know I am ill but not how much. I do not know how honest to be.",
        "topic": "living-with-lung-cancer",
        "anonymous": True,
        "answers": [
            (
                "samuel",
                4,
                "We told ours together, plainly, in the car. Not having to look at each other helped. We promised "
                "they would always hear news from us first, and that we would tell them the truth. The questions "
                "came days later, at random moments, and that was fine.",
                4,
                [("grace", 6, "The car idea is so wise.")],
            ),
            (
                "elena",
                10,
                "From the other side, as a daughter: I wish my dad had told me sooner. I knew something was wrong "
                "and imagined something worse.",
                3,
                [],
            ),
        ],
        "accepted": None,
    },
    {
        "author": "aiko",
        "days_ago": 16.0,
        "title": "Has anyone moved from alectinib to lorlatinib? What changed for you?",
        "details": "My oncologist mentioned that lorlatinib could be a next step one day. I would like to hear what "
        "people noticed day to day, so I know what to ask about.",
        "topic": "alk",
        "anonymous": False,
        "answers": [],
        "accepted": None,
    },
    {
        "author": "tom",
        "days_ago": 15.2,
        "title": "How do you keep track of appointments, medicines and questions for the doctor?",
        "details": "Between the oncology clinic, the GP, the pharmacy and the district nurse, I am losing track.",
        "topic": "caregiving",
        "anonymous": False,
        "answers": [
            (
                "lin",
                2,
                "A shared calendar for the family, with every appointment and who is driving. Each event has the "
                "questions for that visit in its notes, so whoever goes can ask them.",
                4,
                [],
            ),
            (
                "grace",
                5,
                "A paper notebook that lives in the hospital bag. Medicines on the first page, questions at the "
                "back, and notes from each visit in the middle.",
                3,
                [("tom", 20, "Bought the notebook. The bag is packed.")],
            ),
            ("elena", 26, "I photograph every letter and keep the photos in one album on my phone.", 2, []),
        ],
        "accepted": None,
    },
    {
        "author": "james",
        "days_ago": 13.8,
        "title": "What was immunotherapy like after chemoradiation?",
        "details": "I start durvalumab soon. I would like to hear how it fitted into daily life for others.",
        "topic": "immunotherapy",
        "anonymous": False,
        "answers": [
            (
                "peter",
                30,
                "I am on a different immunotherapy, so not quite the same. For me it has been easier than I feared. "
                "The thing my team keeps repeating is to ring them straight away about a new cough, breathlessness, "
                "diarrhoea or a rash, rather than waiting for the next appointment.",
                2,
                [],
            ),
        ],
        "accepted": None,
    },
    {
        "author": "fatima",
        "days_ago": 12.3,
        "title": "I never smoked. Why did I get lung cancer?",
        "details": "I keep going over it. I know it does not change anything, but people keep asking me whether I "
        "smoked.",
        "topic": "diagnosis-and-testing",
        "anonymous": True,
        "answers": [
            (
                "aiko",
                2,
                "Same here: never smoked, diagnosed at 38. My oncologist told me that many people with lung cancer "
                "never smoked, that things like radon, air pollution and family history can play a part, and that "
                "often there is no single reason anyone can point to. What helped me most was having a short reply "
                "ready for the smoking question.",
                5,
                [("maria", 3, "Having a ready answer changed things for me too.")],
            ),
            (
                "priya",
                9,
                "Never smoked either, and that question stings. I now say \u201canyone with lungs can get lung "
                "cancer\u201d and change the subject.",
                3,
                [],
            ),
        ],
        "accepted": None,
    },
    {
        "author": "priya",
        "days_ago": 10.4,
        "title": "ROS1 folks: how often are your scans on a targeted tablet?",
        "details": "I am on crizotinib and my next scan is in three months. Is that usual?",
        "topic": "ros1",
        "anonymous": False,
        "answers": [
            (
                "maria",
                6,
                "I am EGFR rather than ROS1, but my scans went from every two months to every three once things were "
                "stable. I think it varies between hospitals, so it may be worth asking your team what their plan is.",
                1,
                [],
            ),
        ],
        "accepted": None,
    },
    {
        "author": "grace",
        "days_ago": 9.1,
        "title": "What do you say when a friend with cancer tells you she is fine?",
        "details": "Niamh says she is fine every time I ask. I do not want to push, but I do not want her to feel "
        "alone either.",
        "topic": "caregiving",
        "anonymous": False,
        "answers": [
            (
                "maria",
                3,
                "When I say I am fine, sometimes I mean I do not want to talk about cancer today. The friends I love "
                "most text about ordinary things and now and then ask whether I want to talk about it or would "
                "rather hear about their terrible week.",
                4,
                [],
            ),
            (
                "nomvula",
                28,
                "Keep asking, gently, and keep turning up. It matters more than the right words.",
                2,
                [],
            ),
        ],
        "accepted": None,
    },
    {
        "author": "david",
        "days_ago": 8.0,
        "title": "How do you remember to take a daily tablet at the same time every day?",
        "details": "Three months in and I have nearly missed a dose twice.",
        "topic": "targeted-therapy",
        "anonymous": False,
        "answers": [
            ("maria", 2, "A phone alarm plus a weekly pill box, so I can see at a glance whether I took it.", 3, []),
            ("priya", 5, "I tie mine to brushing my teeth. The toothbrush is the reminder.", 2, []),
        ],
        "accepted": None,
    },
    {
        "author": "nomvula",
        "days_ago": 6.2,
        "title": "Did anyone have brain radiotherapy (PCI) after treatment for small cell?",
        "details": "My team offered preventive brain radiotherapy or regular MRI scans instead. I would like to hear "
        "from people who made that choice and how they decided.",
        "topic": "living-with-lung-cancer",
        "anonymous": False,
        "answers": [],
        "accepted": None,
    },
    {
        "author": "elena",
        "days_ago": 4.3,
        "title": "Swollen ankles on a targeted therapy: what helped your loved one?",
        "details": "Papá's ankles swell by evening on capmatinib. His team knows. I am looking for everyday comfort "
        "ideas.",
        "topic": "targeted-therapy",
        "anonymous": False,
        "answers": [
            (
                "peter",
                12,
                "My legs swelled during treatment. The nurse had me put my feet up in the afternoons and, after "
                "checking my heart and kidneys, fitted compression socks. I would ask the team before buying socks, "
                "as they are not right for everyone.",
                2,
                [],
            ),
        ],
        "accepted": None,
    },
    {
        "author": "tom",
        "days_ago": 2.9,
        "title": "Is it normal to feel angry at the person you are caring for?",
        "details": "I love my wife. Some evenings I am furious at her and then I feel terrible about it.",
        "topic": "caregiving",
        "anonymous": True,
        "answers": [
            (
                "grace",
                3,
                "I think so. You are angry at the situation, and she is the one standing in it. Be as kind to "
                "yourself as you are to her.",
                3,
                [],
            ),
            (
                "lin",
                8,
                "Yes. The nurse at Mum's clinic told me many carers feel this, and pointed me to a carers' support "
                "group. Talking to people who get it helped more than I expected.",
                3,
                [],
            ),
        ],
        "accepted": None,
    },
    {
        "author": "james",
        "days_ago": 1.1,
        "title": "KRAS G12C: when do oncologists usually bring up sotorasib or adagrasib?",
        "details": "My biopsy showed KRAS G12C. I am on durvalumab after chemoradiation. I am trying to understand "
        "where the G12C tablets might fit in, so I know what to ask at my next appointment.",
        "topic": "kras",
        "anonymous": False,
        "answers": [],
        "accepted": None,
    },
]

# (member, teammate they added)
TEAMS = [
    ("maria", "aiko"),
    ("maria", "samuel"),
    ("maria", "priya"),
    ("tom", "lin"),
    ("tom", "grace"),
    ("lin", "maria"),
    ("lin", "tom"),
    ("aiko", "priya"),
    ("aiko", "maria"),
    ("james", "nomvula"),
    ("james", "samuel"),
    ("elena", "david"),
    ("grace", "peter"),
    ("fatima", "samuel"),
]

REACTION_WEIGHTS = {
    "hard": [("hug", 0.9), ("thanks", 0.15), ("like", 0.1)],
    "good": [("like", 0.85), ("hug", 0.4), ("thanks", 0.1)],
    "tip": [("thanks", 0.8), ("like", 0.5), ("hug", 0.1)],
}

MARKER_AUTHOR, MARKER_TEXT = UPDATES[0][1], UPDATES[0][3]


# --- Pictures ------------------------------------------------------------------------------------------------

SIZE = (1200, 800)


def _gradient(top: tuple[int, int, int], bottom: tuple[int, int, int], size=SIZE) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _hills(draw: ImageDraw.ImageDraw, base: int, colour, amplitude: int, phase: int) -> None:
    width, height = SIZE
    points = [(0, height)]
    for x in range(0, width + 1, 20):
        wave = math.sin((x + phase) / 190) * 0.6 + math.sin((x + phase * 2) / 83) * 0.25
        points.append((x, base - int(amplitude * (0.5 + wave / 2))))
    points.append((width, height))
    draw.polygon(points, fill=colour)


def _sunrise(sky=((250, 205, 170), (200, 222, 240)), sun=(246, 160, 90)) -> Image.Image:
    image = _gradient(sky[1], sky[0])
    draw = ImageDraw.Draw(image)
    draw.ellipse((480, 380, 720, 620), fill=sun)
    _hills(draw, 560, (176, 190, 170), 70, 100)
    _hills(draw, 640, (128, 152, 132), 60, 350)
    _hills(draw, 730, (92, 118, 100), 40, 0)
    return image


def _garden(seedling: bool = False) -> Image.Image:
    image = _gradient((214, 230, 240), (244, 240, 226))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 1200, 800), fill=(120, 96, 74))
    for row in range(5):
        y = 380 + row * 85
        draw.rounded_rectangle((60, y, 1140, y + 50), radius=25, fill=(94, 72, 56))
        for column in range(9):
            x = 120 + column * 120 + (row % 2) * 40
            radius = 14 if seedling else 26 + (column * 7 + row * 3) % 12
            draw.ellipse((x - radius, y + 25 - radius, x + radius, y + 25 + radius), fill=(112, 160, 98))
    return image


def _path(autumn: bool = False) -> Image.Image:
    image = _gradient((226, 236, 244), (250, 238, 220))
    draw = ImageDraw.Draw(image)
    ground = (196, 150, 96) if autumn else (150, 186, 130)
    _hills(draw, 420, (190, 206, 186) if not autumn else (214, 178, 132), 60, 200)
    draw.rectangle((0, 470, 1200, 800), fill=ground)
    if autumn:
        draw.rectangle((0, 470, 1200, 560), fill=(176, 200, 214))
        for x in range(40, 1200, 150):
            draw.ellipse((x, 300, x + 130, 470), fill=(204, 120, 70) if x % 300 else (222, 162, 82))
    draw.polygon([(560, 470), (640, 470), (820, 800), (300, 800)], fill=(236, 226, 204))
    return image


def _sea() -> Image.Image:
    image = _gradient((246, 210, 180), (250, 232, 214))
    draw = ImageDraw.Draw(image)
    draw.ellipse((760, 330, 880, 450), fill=(244, 170, 110))
    sea = _gradient((150, 186, 200), (96, 140, 164), (1200, 360))
    image.paste(sea, (0, 440))
    for y in range(470, 800, 45):
        draw.line((200, y, 1000, y), fill=(190, 214, 222), width=3)
    return image


def _window() -> Image.Image:
    image = Image.new("RGB", SIZE, (236, 228, 214))
    sky = _gradient((170, 204, 232), (224, 236, 244), (640, 480))
    image.paste(sky, (280, 100))
    draw = ImageDraw.Draw(image)
    draw.rectangle((270, 90, 930, 590), outline=(250, 248, 242), width=22)
    draw.line((600, 90, 600, 590), fill=(250, 248, 242), width=16)
    draw.rectangle((220, 590, 980, 630), fill=(214, 196, 170))
    draw.rounded_rectangle((360, 500, 460, 590), radius=12, fill=(196, 120, 90))
    draw.ellipse((320, 380, 500, 520), fill=(98, 150, 100))
    return image


MOTIFS = {
    "sunrise": _sunrise,
    "sunrise-gold": lambda: _sunrise(sky=((246, 214, 150), (214, 224, 236)), sun=(250, 196, 96)),
    "garden": _garden,
    "seedlings": lambda: _garden(seedling=True),
    "path": _path,
    "lake": lambda: _path(autumn=True),
    "sea": _sea,
    "window": _window,
}


def make_picture(motif: str):
    """A calm abstract picture, re-encoded the way members' uploads are (WebP, no metadata)."""
    image = MOTIFS[motif]().filter(ImageFilter.GaussianBlur(2))
    raw = io.BytesIO()
    image.save(raw, format="PNG")
    return reencode_picture(upload=raw, max_side=settings.UPDATE_PICTURE_SIZE)


# --- Seeding -------------------------------------------------------------------------------------------------


def _members() -> dict[str, User]:
    emails = {f"{key}@example.com": key for key in JOINED_DAYS_AGO}
    return {emails[user.email]: user for user in User.objects.filter(email__in=emails)}


def _backdate_members(members: dict[str, User], now) -> None:
    for key, user in members.items():
        joined = now - timedelta(days=JOINED_DAYS_AGO[key])
        if user.date_joined > joined:
            User.objects.filter(pk=user.pk).update(date_joined=joined)


def _at(moment, now):
    """Never in the future: a comment "hours after" a recent post still lands before now."""
    return min(moment, now - timedelta(minutes=5))


def seed() -> dict[str, int]:
    """Add the demo community content once; returns counts of what it added (empty if nothing)."""
    if Update.objects.filter(author__email=f"{MARKER_AUTHOR}@example.com", text=MARKER_TEXT).exists():
        return {}
    members = _members()
    if set(members) != set(JOINED_DAYS_AGO):
        return {}  # the demo members are not there (demo.accounts.seed runs first)
    rng = random.Random(4)  # noqa: S311 - a fixed seed so every demo database looks the same
    now = timezone.now()
    with transaction.atomic():
        _backdate_members(members, now)
        updates = _seed_updates(members, now)
        reactions = _seed_reactions(members, updates, rng)
        update_comments = _seed_update_comments(members, updates, now)
        article_comments = _seed_article_comments(members, now)
        questions, answers, helpful_votes, answer_comments = _seed_questions(members, now)
        teams = TeamMembership.objects.bulk_create(
            TeamMembership(member=members[a], teammate=members[b], created_at=now - timedelta(days=14 - i))
            for i, (a, b) in enumerate(TEAMS)
        )
    return {
        "updates": len(updates),
        "pictures": sum(1 for u in updates.values() if u.picture),
        "reactions": reactions,
        "questions": questions,
        "answers": answers,
        "helpful votes": helpful_votes,
        "comments": update_comments + article_comments + answer_comments,
        "team memberships": len(teams),
    }


def _seed_updates(members, now) -> dict[str, Update]:
    updates = {}
    for key, author, days_ago, text, motif, alt, _mood in UPDATES:
        update = Update(author=members[author], text=text, created_at=now - timedelta(days=days_ago))
        if motif:
            picture = make_picture(motif)
            update.picture.save(picture.name, picture, save=False)
            update.picture_alt = alt
        update.save()
        updates[key] = update
    return updates


def _seed_reactions(members, updates, rng) -> int:
    rows = []
    for key, author, _days, _text, _motif, _alt, mood in UPDATES:
        update = updates[key]
        pool = [m for m in ACTIVE if m != author]
        reactors = rng.sample(pool, rng.randint(1, 6))
        reactors += [m for m in QUIET if m != author and rng.random() < 0.2]
        counts = Counter()
        for reactor in reactors:
            kinds = [kind for kind, chance in REACTION_WEIGHTS[mood] if rng.random() < chance]
            for kind in kinds:
                hours = rng.uniform(0.2, 30)
                rows.append(
                    Reaction(
                        member=members[reactor],
                        update=update,
                        kind=kind,
                        created_at=min(update.created_at + timedelta(hours=hours), timezone.now()),
                    )
                )
                counts[kind] += 1
        update.hug_count, update.like_count, update.thanks_count = counts["hug"], counts["like"], counts["thanks"]
    Reaction.objects.bulk_create(rows)
    Update.objects.bulk_update(updates.values(), ["hug_count", "like_count", "thanks_count"])
    return len(rows)


def _seed_update_comments(members, updates, now) -> int:
    created = []
    counts = Counter()
    for key, author, hours, text, parent_index in UPDATE_COMMENTS:
        update = updates[key]
        comment = Comment.objects.create(
            author=members[author],
            update=update,
            text=text,
            parent=created[parent_index] if parent_index is not None else None,
            created_at=_at(update.created_at + timedelta(hours=hours), now),
        )
        created.append(comment)
        counts[key] += 1
    for key, update in updates.items():
        update.comment_count = counts[key]
    Update.objects.bulk_update(updates.values(), ["comment_count"])
    return len(created)


def _seed_article_comments(members, now) -> int:
    articles = Article.objects.in_bulk({slug for slug, *_ in ARTICLE_COMMENTS}, field_name="slug")
    created = []
    for slug, author, days_ago, text, parent_index in ARTICLE_COMMENTS:
        article = articles.get(slug)
        parent = created[parent_index] if parent_index is not None else None
        if article is None or (parent_index is not None and parent is None):
            created.append(None)
            continue
        created.append(
            Comment.objects.create(
                author=members[author],
                article=article,
                text=text,
                parent=parent,
                created_at=_at(now - timedelta(days=days_ago), now),
            )
        )
    return sum(1 for c in created if c is not None)


def _voters(members, *, exclude: str, count: int, offset: int) -> list[User]:
    pool = [key for key in ACTIVE + QUIET if key != exclude]
    start = offset % len(pool)
    return [members[key] for key in (pool[start:] + pool[:start])[:count]]


def _seed_questions(members, now) -> tuple[int, int, int, int]:
    topics = Topic.objects.in_bulk({q["topic"] for q in QUESTIONS if q["topic"]}, field_name="slug")
    answer_total = vote_total = comment_total = 0
    for number, spec in enumerate(QUESTIONS):
        asked_at = now - timedelta(days=spec["days_ago"])
        question = Question.objects.create(
            author=members[spec["author"]],
            title=spec["title"],
            details=spec["details"],
            topic=topics.get(spec["topic"]),
            is_anonymous=spec["anonymous"],
            created_at=asked_at,
        )
        question_helpful = 0
        for index, (author, hours, text, votes, comments) in enumerate(spec["answers"]):
            answered_at = _at(asked_at + timedelta(hours=hours), now)
            answer = Answer.objects.create(
                question=question,
                author=members[author],
                text=text,
                created_at=answered_at,
                is_accepted=spec["accepted"] == index,
                helpful_count=votes,
                comment_count=len(comments),
            )
            HelpfulVote.objects.bulk_create(
                HelpfulVote(answer=answer, member=voter, created_at=_at(answered_at + timedelta(hours=2 + i), now))
                for i, voter in enumerate(_voters(members, exclude=author, count=votes, offset=number * 3 + index))
            )
            Comment.objects.bulk_create(
                Comment(
                    author=members[commenter],
                    answer=answer,
                    text=comment_text,
                    created_at=_at(answered_at + timedelta(hours=after), now),
                )
                for commenter, after, comment_text in comments
            )
            question_helpful += votes
            answer_total += 1
            vote_total += votes
            comment_total += len(comments)
        Question.objects.filter(pk=question.pk).update(
            answer_count=len(spec["answers"]), helpful_count=question_helpful
        )
    return len(QUESTIONS), answer_total, vote_total, comment_total
