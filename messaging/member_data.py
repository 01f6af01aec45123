"""Messaging's part of a member's data: every conversation they are in, in their archive; at
deletion, the messages they sent."""

from accounts.models import User
from messaging import selectors, services


class MessagingMemberData:
    def export(self, member: User) -> dict:
        return {"private_messages": selectors.conversations_for_export(member)}

    def files(self, member: User) -> list[tuple[str, str]]:
        return []

    def erase(self, member: User, *, keep_answers_and_comments: bool, former_member: User) -> list[str]:
        services.member_messages_erase(member=member)
        return []
