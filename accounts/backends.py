from django.contrib.auth.backends import ModelBackend

from accounts import selectors


class MemberBackend(ModelBackend):
    """Django's own backend (email and password), except in how it reads the signed-in member of a
    request: with their standing, in one statement (selectors.signed_in_member)."""

    def get_user(self, user_id):
        member = selectors.signed_in_member(member_id=user_id)
        return member if member is not None and self.user_can_authenticate(member) else None
