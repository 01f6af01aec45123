"""Community's part of the digest: answers to questions the member asked or follows, updates from
their team, and questions asked in the topics of their biomarkers. Nothing by or under a member on
either side of a block."""

from collections import defaultdict
from datetime import datetime

from accounts.mail import digests, tokens
from accounts.models import Profile
from articles import selectors as article_selectors
from community import selectors


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
            }
        return sections
