"""The "Send a message" button on a member's profile (community.profile_actions)."""

from messaging import selectors


def send_message_button(*, viewer, member) -> dict | None:
    check = selectors.send_check(sender=viewer, recipient=member)
    return {"member": member} if check.allowed else None
