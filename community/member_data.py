"""Community's part of a member's data: what they wrote and did, in their archive and at deletion."""

import posixpath

from accounts.models import User
from community import selectors, services


class CommunityMemberData:
    def export(self, member: User) -> dict:
        return selectors.member_content_for_export(member)

    def files(self, member: User) -> list[tuple[str, str]]:
        return [
            (f"images/updates/{posixpath.basename(name)}", name)
            for name in selectors.member_update_picture_names(member)
        ]

    def erase(self, member: User, *, keep_answers_and_comments: bool, former_member: User) -> list[str]:
        return services.member_content_erase(
            member=member, keep_answers_and_comments=keep_answers_and_comments, former_member=former_member
        )
