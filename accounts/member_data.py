"""What each app holds about a member, gathered for "download my data" and for deleting an account.

accounts stands below every other app and imports none of them. An app that keeps rows about a
member registers a `MemberData` in its `AppConfig.ready`: it exports its own rows, names the files
the member uploaded, and erases its own rows when the account goes, the way each app of Zulip's
export writes its own tables.
"""

from typing import Protocol

from accounts.models import User


class MemberData(Protocol):
    def export(self, member: User) -> dict:
        """JSON-ready data for the member's own archive, keyed by section name."""

    def files(self, member: User) -> list[tuple[str, str]]:
        """(name in the archive, storage name) for every file the member uploaded here."""

    def erase(self, member: User, *, keep_answers_and_comments: bool, former_member: User) -> list[str]:
        """Delete (or hand to `former_member`) the member's rows, inside the deletion's transaction.
        Returns storage names to delete once it commits."""


_parts: dict[str, MemberData] = {}


def register(name: str, part: MemberData) -> None:
    """Called from an AppConfig.ready; registering the same name again replaces it (tests reload)."""
    _parts[name] = part


def parts() -> list[MemberData]:
    return list(_parts.values())
