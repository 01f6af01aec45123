import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.models import EDITORS_GROUP, MODERATORS_GROUP, HealthDataConsent, User

PASSWORD = "a-long-test-password-1234"


def logged_in(user) -> Client:
    """A client signed in through the login form, as a member would be."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    display_name = factory.Faker("first_name")

    @classmethod
    def _create(cls, model_class, *args, health_consent=True, **kwargs):
        user = model_class.objects.create_user(*args, password=PASSWORD, **kwargs)
        # Members in the wild have verified their address before they can log in.
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        # Most tests are about members who agreed to storing health details; pass
        # health_consent=False for one who did not.
        if health_consent:
            HealthDataConsent.objects.create(member=user, policy_version="test")
        return user


class ModeratorFactory(UserFactory):
    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        obj.groups.add(Group.objects.get(name=MODERATORS_GROUP))


class EditorFactory(UserFactory):
    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        obj.groups.add(Group.objects.get(name=EDITORS_GROUP))
