"""What a member's profile offers about memorial status (community.profile_actions): any signed-in
member may tell us that someone has died; a moderator may take a memorial status back."""

from accounts.permissions import acts_as_moderator, can_read_community


def memorial_actions(*, viewer, member) -> dict | None:
    if not can_read_community(viewer) or viewer.pk == member.pk:
        return None
    if member.is_remembered:
        return {"member": member, "undo": True} if acts_as_moderator(viewer) else None
    return {"member": member, "undo": False}
