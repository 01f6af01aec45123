"""Generated text (control characters, huge strings, any unicode) into forms and query parameters never gives a 500."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.community.factories import AnswerFactory, UpdateFactory
from tests.community.test_moderation import make_moderator

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=30),
    st.sampled_from(
        [
            "-1",
            "0",
            "99999999999999999999",
            "1e9",
            "NaN",
            "../../etc/passwd",
            "\x00",
            "a" * 12000,
            "²",
            "9223372036854775808",
        ]
    ),
    st.integers().map(str),
)

QUERY_PAGES = [
    ("/activities/", ["page", "show"]),
    ("/questions/", ["page", "tab", "topic"]),
    ("/articles/", ["page", "topic"]),
    ("/members/", ["page", "role", "diagnosis", "biomarker", "treatment", "location"]),
    ("/search/", ["q", "kind", "page"]),
    ("/notifications/", ["page"]),
    ("/questions/similar/", ["title"]),
    ("/moderation/", ["page", "reason", "kind"]),
    ("/moderation/log/", ["page", "kind", "member"]),
]


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def fuzz_world(member, settings):
    settings.POSTING_MIN_INTERVAL_SECONDS = 0
    settings.DAILY_LIMITS_NEW_MEMBER = {"update": 10**6, "question": 10**6, "answer": 10**6, "comment": 10**6}
    return {"member": member, "moderator": make_moderator(), "update": UpdateFactory(), "answer": AnswerFactory()}


@FUZZ
@given(value=text)
def test_query_parameters_never_give_a_500(fuzz_world, value):
    member_client, moderator_client = _client(fuzz_world["member"]), _client(fuzz_world["moderator"])
    for path, names in QUERY_PAGES:
        client = moderator_client if path.startswith("/moderation/") else member_client
        for name in names:
            response = client.get(path, {name: value})
            assert response.status_code < 500, (path, name, value)


@FUZZ
@given(a=text, b=text)
def test_forms_never_give_a_500(fuzz_world, a, b):
    client = _client(fuzz_world["member"])
    update, answer = fuzz_world["update"], fuzz_world["answer"]
    question = answer.question
    posts = [
        ("/activities/", {"text": a, "picture_alt": b}),
        (f"/activities/{update.pk}/comments/", {"text": a, "parent": b}),
        (f"/activities/{update.pk}/react/", {"kind": a, "next": b}),
        ("/questions/ask/", {"title": a, "details": b, "topic": b}),
        (question.get_absolute_url(), {"text": a}),
        (f"/questions/{question.pk}/answers/{answer.pk}/comments/", {"text": a, "parent": b}),
        (f"/report/update/{update.pk}/", {"reason": a, "note": b, "next": b}),
        ("/profile/edit/", {"display_name": a, "bio": b, "location": a, "year_diagnosed": b, "role": a}),
        ("/settings/email/", {"digest": a, "answers": b}),
        ("/settings/privacy/", {"location_visibility": a}),
        ("/settings/privacy/consent/", {"consent": a}),
        ("/subscribe/", {"name": a, "email": b}),
        ("/accounts/password/reset/", {"email": a}),
        ("/accounts/login/", {"login": a, "password": b}),
    ]
    for path, data in posts:
        response = client.post(path, data)
        assert response.status_code < 500, (path, data)
    for path in (
        f"/subscribe/confirm/{a or 'x'}/",
        f"/unsubscribe/{a or 'x'}/",
        f"/settings/privacy/export/{a or 'x'}/",
    ):
        response = client.get(path.replace("?", "%3F").replace("#", "%23"))
        assert response.status_code < 500, path
    moderator = _client(fuzz_world["moderator"])
    for path, data in [
        ("/moderation/bulk/", {"review": [a, b], "action": a, "reason_code": b}),
        ("/moderation/review/999999/", {"action": a}),
    ]:
        assert moderator.post(path, data).status_code < 500, (path, data)
