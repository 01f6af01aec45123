import pytest

from accounts.models import MessagePolicy
from tests.factories import UserFactory


@pytest.fixture
def ada(db):
    return UserFactory(display_name="Ada")


@pytest.fixture
def ben(db):
    return UserFactory(display_name="Ben")


@pytest.fixture
def cara(db):
    return UserFactory(display_name="Cara")


def set_policy(member, policy: MessagePolicy) -> None:
    member.profile.message_policy = policy
    member.profile.save(update_fields=["message_policy"])
