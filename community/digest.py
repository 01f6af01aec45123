"""Community's part of the digest: answers to questions the member asked or follows, updates from
their team, questions asked in the topics of their biomarkers, and unanswered questions they may be
able to help with. Nothing by or under a member on either side of a block."""

import re
from collections import defaultdict
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.mail import digests, tokens
from accounts.models import Profile, Visibility
from articles import selectors as article_selectors
from articles.models import Treatment
from community import selectors

# "Questions you might be able to help with": at most this many, from the last two weeks.
CAN_HELP = 3
CAN_HELP_DAYS = 14


class CommunityDigest:
    def gather(self, *, since: dict[int, datetime]) -> dict[int, dict[str, list[dict]]]:
        member_ids = list(since)
        earliest = min(since.values())
        # A member's topics are the ones about the biomarkers on their profile. They only choose
        # which questions to show; the biomarkers themselves never appear in the email.
        biomarkers = defaultdict(set)
        for member_id, biomarker_id in Profile.biomarkers.through.objects.filter(
            profile__user_id__in=member_ids
        ).values_list("profile__user_id", "biomarker_id"):
            biomarkers[member_id].add(biomarker_id)
        topic_biomarker = dict(
            article_selectors.topics()
            .filter(biomarker_id__in={b for ids in biomarkers.values() for b in ids})
            .values_list("pk", "biomarker_id")
        )
        questions = selectors.digest_popular_questions(topic_ids=list(topic_biomarker), since=earliest)
        followed = selectors.digest_followed_questions(member_ids=member_ids)
        answers = selectors.digest_new_answers(
            member_ids=member_ids, since=earliest, followed_question_ids=set().union(*followed.values())
        )
        updates = selectors.digest_team_updates(member_ids=member_ids, since=earliest)
        blocks = selectors.digest_blocks(member_ids=member_ids)

        # Each item's entry, absolute link included, is made once per batch rather than once per member.
        question_entries = [
            (q, {"title": q.title, "answers": q.answer_count, "url": tokens.absolute(q.get_absolute_url())})
            for q in questions
        ]
        followers = defaultdict(set)
        for member_id, question_ids in followed.items():
            for question_id in question_ids:
                followers[question_id].add(member_id)
        answers_for = defaultdict(list)
        for a in answers:
            entry = {
                "author": a.author.display_name,
                "question": a.question.title,
                "url": tokens.absolute(f"{a.question.get_absolute_url()}#answer-{a.pk}"),
            }
            for member_id in followers[a.question_id] | {a.question.author_id}:
                if member_id != a.author_id:
                    answers_for[member_id].append((a, entry))
        update_entries = {
            u.pk: {"author": u.author.display_name, "when": u.created_at, "url": tokens.absolute(u.get_absolute_url())}
            for member_updates in updates.values()
            for u in member_updates
        }

        can_help = self._can_help(member_ids)

        sections = {}
        for member_id, after in since.items():
            blocked = blocks.get(member_id, set())
            sections[member_id] = {
                "questions": digests.first(
                    entry
                    for q, entry in question_entries
                    if topic_biomarker.get(q.topic_id) in biomarkers[member_id]
                    and q.created_at > after
                    and q.author_id != member_id
                    and blocked.isdisjoint(selectors.authors_behind(q))
                ),
                "answers": digests.first(
                    entry
                    for a, entry in answers_for[member_id]
                    if a.created_at > after and blocked.isdisjoint(selectors.authors_behind(a))
                ),
                "updates": digests.first(
                    update_entries[u.pk]
                    for u in updates.get(member_id, [])
                    if u.created_at > after and blocked.isdisjoint(selectors.authors_behind(u))
                ),
                "can_help": [
                    entry
                    for q, entry in can_help
                    if q.author_id != member_id and q.author_id not in blocked and self._fits(q, member_id)
                ][:CAN_HELP],
            }
        return sections

    def _can_help(self, member_ids) -> list:
        """Unanswered questions of the last two weeks, and what each member shares that could make
        them the one to answer: only biomarkers and medicines they left visible to members."""
        self._biomarkers, self._medicine_names = defaultdict(set), defaultdict(list)
        shown_biomarkers = Profile.biomarkers.through.objects.filter(
            profile__user_id__in=member_ids, profile__biomarkers_visibility=Visibility.MEMBERS
        ).exclude(biomarker__code="none_unknown")
        for member_id, biomarker_id in shown_biomarkers.values_list("profile__user_id", "biomarker_id"):
            self._biomarkers[member_id].add(biomarker_id)
        shown_medicines = Profile.medicines.through.objects.filter(
            profile__user_id__in=member_ids, profile__medicines_visibility=Visibility.MEMBERS
        ).values_list("profile__user_id", "treatment_id")
        names = {t.pk: t.names for t in Treatment.objects.filter(pk__in={t for _, t in shown_medicines})}
        for member_id, treatment_id in shown_medicines:
            self._medicine_names[member_id] += [name.lower() for name in names.get(treatment_id, [])]
        questions = selectors.digest_unanswered_questions(since=timezone.now() - timedelta(days=CAN_HELP_DAYS))
        # Oldest first: the question that has waited longest is the one to offer.
        return [
            (q, {"title": q.title, "url": tokens.absolute(q.get_absolute_url())})
            for q in sorted(questions, key=lambda q: (q.created_at, q.pk))
        ]

    def _fits(self, question, member_id: int) -> bool:
        if question.topic_id and question.topic.biomarker_id in self._biomarkers[member_id]:
            return True
        words = f"{question.title} {question.details}".lower()
        return any(re.search(rf"\b{re.escape(name)}\b", words) for name in self._medicine_names[member_id])
