"""Who may do what: each role check lives here and nowhere else."""

from allauth.mfa.utils import is_mfa_enabled

from accounts.models import EDITORS_GROUP, MODERATORS_GROUP


def is_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_moderator(user) -> bool:
    return is_member(user) and (user.is_staff or user.groups.filter(name=MODERATORS_GROUP).exists())


def is_editor(user) -> bool:
    return is_member(user) and (user.is_staff or user.groups.filter(name=EDITORS_GROUP).exists())


def needs_two_factor(user) -> bool:
    """Staff, moderators and editors hold other members' data: they must use two-factor."""
    if not is_member(user):
        return False
    privileged = user.is_staff or user.groups.filter(name__in=[MODERATORS_GROUP, EDITORS_GROUP]).exists()
    return privileged and not is_mfa_enabled(user)


def acts_as_moderator(user) -> bool:
    """A moderator with two-factor on: the only kind who may act or answer for the moderators."""
    return is_moderator(user) and not needs_two_factor(user)


def has_verified_email(user) -> bool:
    return is_member(user) and user.standing.has_verified_email


def can_read_community(user) -> bool:
    """Member-written content is for signed-in members whose email address is verified."""
    return has_verified_email(user)


def can_post(user) -> bool:
    """Write, react and report: verified members who are not suspended."""
    return can_read_community(user) and not user.is_suspended
