"""What a remembered member shared with other members, gathered for their family: the words of
their visible posts and the pictures of their updates. Never private messages, never health
details from the profile, never anything a moderator removed."""

import io
import json
import zipfile
from pathlib import PurePosixPath

from django.core.files.storage import default_storage

from accounts.models import User
from community.models import Answer, Comment, ModerationState, Question, Update


def _when(item) -> str:
    return item.created_at.date().isoformat()


def family_archive(member: User) -> bytes:
    visible = {"author": member, "moderation_state": ModerationState.VISIBLE}
    updates = list(Update.objects.filter(**visible).order_by("created_at"))
    shared = {
        "about": f"What {member.display_name} shared on Kindred, gathered for their family.",
        "updates": [
            {
                "date": _when(u),
                "text": u.text,
                "picture": f"pictures/{PurePosixPath(u.picture.name).name}" if u.picture else None,
            }
            for u in updates
        ],
        "questions": [
            {"date": _when(q), "title": q.title, "details": q.details}
            for q in Question.objects.filter(**visible).order_by("created_at")
        ],
        "answers": [
            {"date": _when(a), "to the question": a.question.title, "text": a.text}
            for a in Answer.objects.filter(**visible).select_related("question").order_by("created_at")
        ],
        "comments": [
            {"date": _when(c), "text": c.text}
            for c in Comment.objects.filter(**visible, is_removed=False).order_by("created_at")
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("shared.json", json.dumps(shared, ensure_ascii=False, indent=2))
        for update in updates:
            if update.picture and default_storage.exists(update.picture.name):
                with default_storage.open(update.picture.name, "rb") as picture:
                    archive.writestr(f"pictures/{PurePosixPath(update.picture.name).name}", picture.read())
    return buffer.getvalue()
