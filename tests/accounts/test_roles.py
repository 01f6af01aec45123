import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import EDITORS_GROUP, MODERATORS_GROUP
from accounts.permissions import is_editor, is_moderator, needs_two_factor
from tests.factories import EditorFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_role_groups_exist_with_their_permissions():
    moderators = Group.objects.get(name=MODERATORS_GROUP)
    assert moderators.permissions.filter(codename="moderate_community").exists()
    assert Group.objects.filter(name=EDITORS_GROUP).exists()


def test_roles_are_recognised():
    member, moderator, editor = UserFactory(), ModeratorFactory(), EditorFactory()
    assert not is_moderator(member) and not is_editor(member)
    assert is_moderator(moderator) and not is_editor(moderator)
    assert is_editor(editor) and not is_moderator(editor)
    assert moderator.has_perm("accounts.moderate_community")


def test_privileged_roles_need_two_factor_members_do_not():
    assert not needs_two_factor(UserFactory())
    assert needs_two_factor(ModeratorFactory())
    assert needs_two_factor(EditorFactory())
    assert needs_two_factor(UserFactory(is_staff=True))


def give_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


def test_staff_without_two_factor_are_sent_to_set_it_up(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get(reverse("admin:index"), follow=True)
    # force_login is not a fresh log-in, so allauth asks for the password again first.
    assert [url for url, _ in response.redirect_chain][1] == reverse("mfa_activate_totp")
    assert "two-factor authentication before they can continue" in response.content.decode()


def test_staff_with_two_factor_reach_the_admin(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    give_totp(staff)
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def test_visitors_are_sent_to_the_site_login_not_the_admin_one(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_members_who_are_not_staff_cannot_use_the_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 200
    assert "not authorized" in response.content.decode()
