"""Generated input to every private-messaging page and form, signed in as a member: never a 500.

Query values (?to=, ?before=, ?page=), the ids in the addresses and the message boxes get any
unicode, control characters, NUL, huge strings, several values for one name, and ids that are
negative, huge or not numbers. Input the pages must refuse changes nothing in the database; a
message the pages accept is stored exactly as the member typed it, without its outer spaces.
"""

import re
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from messaging import services
from messaging import urls as messaging_urls
from messaging.models import TEXT_MAX, Conversation, Message
from tests.community.test_moderation import make_moderator
from tests.factories import UserFactory
from tests.messaging.helpers import accepted_conversation
from tests.messaging.test_security import everything
from tests.security.test_fuzz import FUZZ, text
from tests.security.world import established_member

pytestmark = pytest.mark.django_db

# Around the 5,000-character limit, with and without spaces around the words.
long_text = st.one_of(
    st.integers(TEXT_MAX - 3, TEXT_MAX + 3).map(lambda n: "é" * n),
    st.integers(TEXT_MAX - 3, TEXT_MAX + 3).map(lambda n: "  " + "w" * n + "\n\n"),
    st.just("word " * 2000),
)
# One value, or several for the same name (a form keeps the last, a page must not trip on the rest).
values = st.one_of(text, long_text, st.lists(st.one_of(text, long_text), min_size=2, max_size=4))
ids = st.one_of(
    text,
    st.integers().map(str),
    st.sampled_from(["-1", "0", "00", "1e3", "0x10", " 1", "1 ", "1.0", "\u0661", "²", "99999999999999999999"]),
)


def as_list(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def path_part(value: str) -> str:
    return quote(value, safe="")


def has_nul(value) -> bool:
    return any("\x00" in entry for entry in as_list(value))


def one_line_break(text: str) -> str:
    """A line break as a member's box counts it: one character, however the browser sent it."""
    return re.sub(r"\r\n?", "\n", text)


def accepted_text(value) -> str | None:
    """What a message box holding `value` sends, or None when the page must refuse it: a null
    character anywhere is refused, the form keeps the last value and strips it, and a message needs
    words and at most 5,000 characters (a line break being one)."""
    if has_nul(value):
        return None
    words = as_list(value)[-1].strip()
    return words if 0 < len(one_line_break(words)) <= TEXT_MAX else None


def stored_as(message_text: str, expected: str) -> bool:
    return one_line_break(message_text) == one_line_break(expected)


def addresses_with(kind: str) -> list[str]:
    """Every messaging address with a conversation or message id in it, the id left as {}."""
    placeholder = 987654321987
    return [
        reverse(pattern.name, kwargs={kind: placeholder}).replace(str(placeholder), "{}")
        for pattern in messaging_urls.urlpatterns
        if kind in pattern.pattern.converters
    ]


def names_one_of(value: str, pks) -> bool:
    """Whether `value` in an address reaches one of these ids (the URL's int converter takes ASCII digits)."""
    return value.isascii() and value.isdigit() and int(value) in pks


def to_moderators(member, text="A question for the moderators") -> Conversation:
    return services.moderators_message_send(sender=member, text=text).conversation


@pytest.fixture
def world():
    ada = established_member(display_name="Ada")
    ben, cara, dan, eve = (UserFactory(display_name=name) for name in ("Ben", "Cara", "Dan", "Eve"))
    moderator = make_moderator(display_name="Mo")
    with_ben = accepted_conversation(ada, ben, text="Hello Ben")
    request = services.message_send(sender=cara, recipient_id=ada.pk, text="A request for Ada").conversation
    with_team = to_moderators(ada)
    hidden = accepted_conversation(eve, ada, text="Hello Ada")
    services.message_send(sender=ada, recipient_id=eve.pk, text="Hello Eve")
    services.conversation_block(actor=ada, conversation=hidden)
    theirs = accepted_conversation(ben, dan, text="Between Ben and Dan")
    bens_team = to_moderators(ben)
    services.moderators_message_send(sender=moderator, conversation=bens_team, text="Hello Ben")
    client = Client(raise_request_exception=False)
    client.force_login(ada)
    team_client = Client(raise_request_exception=False)
    team_client.force_login(moderator)
    # Ada has read everything, so looking again changes nothing.
    for conversation in (with_ben, request, with_team):
        assert client.get(f"/messages/{conversation.pk}/").status_code == 200
    return SimpleNamespace(
        ada=ada,
        moderator=moderator,
        client=client,
        team_client=team_client,
        spare_client=Client(raise_request_exception=False),
        with_ben=with_ben,
        request=request,
        with_team=with_team,
        mine=with_ben.messages.get(),
        own_conversations={with_ben.pk, request.pk, with_team.pk},
        own_messages={with_ben.messages.get().pk, with_team.messages.get().pk},
        # Conversations and messages that exist but are not Ada's to reach: another pair's, one she
        # hid by blocking, another member's with the moderators (and the moderator's answer in it).
        foreign_conversations=[theirs.pk, hidden.pk, bens_team.pk],
        foreign_messages=[
            theirs.messages.get().pk,
            request.messages.get().pk,
            *hidden.messages.values_list("pk", flat=True),
            *bens_team.messages.values_list("pk", flat=True),
        ],
    )


@FUZZ
@given(value=values)
def test_query_values_never_give_a_500_and_change_nothing(world, value):
    client = world.client
    conversation, edit = f"/messages/{world.with_ben.pk}/", f"/messages/message/{world.mine.pk}/edit/"
    before = everything()
    pages = [
        ("/messages/", "page", {200}),
        ("/messages/new/", "to", {200, 302, 403}),
        (conversation, "before", {200}),
        (f"/messages/{world.request.pk}/", "before", {200}),
        (f"/messages/{world.with_team.pk}/", "before", {200}),
        (edit, "text", {200}),
        (f"{conversation}changes/", "since", {200, 204}),
        (f"{conversation}accept/", "x", {405}),
    ]
    for path, name, expected in pages:
        response = client.get(path, {name: value})
        assert response.status_code in ({400} if has_nul(value) else expected), (path, name, value)
    # The moderators' side of a member's conversation with them, and their inbox.
    for path in (f"/messages/{world.with_team.pk}/", "/messages/"):
        response = world.team_client.get(path, {"before": value, "page": value})
        assert response.status_code == (400 if has_nul(value) else 200), (path, value)
    assert everything() == before


@FUZZ
@given(data=st.data())
def test_ids_in_the_addresses_reach_nothing_that_is_not_the_members(world, data):
    """A made-up id, or one of another member's conversation or message, or of a conversation the
    member hid by blocking: refused on every page and form, and nothing changes."""
    conversation_id = data.draw(st.one_of(ids, st.sampled_from(world.foreign_conversations).map(str)))
    message_id = data.draw(st.one_of(ids, st.sampled_from(world.foreign_messages).map(str)))
    client = world.client
    paths = []
    if not names_one_of(conversation_id, world.own_conversations):
        paths += [address.format(path_part(conversation_id)) for address in addresses_with("conversation_id")]
    if not names_one_of(message_id, world.own_messages):
        paths += [address.format(path_part(message_id)) for address in addresses_with("message_id")]
    attempts = [(method, path, {"text": "Let me in"}) for path in paths for method in ("get", "post")]
    before = everything()
    for method, path, body in attempts:
        response = getattr(client, method)(path, body)
        # 405: a form's address asked with GET, refused before any id is looked at.
        assert response.status_code in (400, 404, 405), (method, path, response.status_code)
        assert response.status_code != 405 or method == "get", path
    assert everything() == before


def _refused_and_nothing_changed(response, before, where) -> None:
    assert response.status_code == 400, (where, response.status_code)
    assert everything() == before, where


@FUZZ
@given(value=values, before_value=values, htmx=st.booleans())
def test_generated_text_in_a_reply_is_refused_or_sent_as_typed(world, value, before_value, htmx):
    """In a conversation between two members, and in a member's conversation with the moderators,
    from the member and from a moderator answering; sent as a plain form or by htmx."""
    headers = {"HX-Request": "true"} if htmx else {}
    for client, author, conversation in (
        (world.client, world.ada, world.with_ben),
        (world.client, world.ada, world.with_team),
        (world.team_client, world.moderator, world.with_team),
    ):
        path = f"/messages/{conversation.pk}/"
        # ?before= only says which messages the page shows if it comes back; a null character in it is refused.
        expected = None if has_nul(before_value) else accepted_text(value)
        before = everything()
        query = urlencode({"before": before_value}, doseq=True)
        response = client.post(f"{path}?{query}", {"text": value}, headers=headers)
        if expected is None:
            # htmx is answered 200 with the form, its message and the words, swapped in its place.
            assert response.status_code == (200 if htmx and not (has_nul(value) or has_nul(before_value)) else 400)
            assert everything() == before, path
            continue
        # Without htmx, back to the page; with it, the new list in place of the old.
        assert response.status_code == (200 if htmx else 302), (path, response.status_code)
        if not htmx:
            assert response["Location"] == f"{path}#newest"
        newest = conversation.messages.order_by("-created_at", "-id").first()
        assert newest.author_id == author.pk and stored_as(newest.text, expected)
        assert Message.objects.count() == len(before["messages"]) + 1


@FUZZ
@given(value=values)
def test_generated_text_in_a_change_is_refused_or_saved_as_typed(world, value):
    path = f"/messages/message/{world.mine.pk}/edit/"
    expected = accepted_text(value)
    before = everything()
    response = world.client.post(path, {"text": value})
    if expected is None:
        _refused_and_nothing_changed(response, before, "edit")
        return
    assert response.status_code == 302, response.status_code
    world.mine.refresh_from_db()
    assert stored_as(world.mine.text, expected) and world.mine.edited_at is not None
    assert Message.objects.count() == len(before["messages"])


# ?to= names a member by id, or the moderation team.
recipients = st.one_of(
    values,
    st.sampled_from(["moderators", "Moderators", "moderators ", "moderators/", "moderators\x00"]),
    st.lists(st.sampled_from(["moderators", "1", "x"]), min_size=2, max_size=3),
)


def names_a_recipient(to) -> bool:
    """Whether ?to= (its last value) is the moderators, or a member's id."""
    last = as_list(to)[-1]
    return last == "moderators" or names_one_of(last, set(User.objects.values_list("pk", flat=True)))


@FUZZ
@given(value=values, to=recipients)
def test_generated_text_and_recipients_for_a_new_conversation(world, value, to):
    # A recipient who is nobody: refused whatever the message, and nothing changes.
    if has_nul(to) or not names_a_recipient(to):
        before = everything()
        response = world.client.post(f"/messages/new/?{urlencode({'to': to}, doseq=True)}", {"text": "Hello"})
        assert response.status_code == (400 if has_nul(to) else 403), (to, response.status_code)
        assert everything() == before
    # A member the sender has never written to, and the moderators. The sender is new each time:
    # new conversations a day are limited, and there is one with the moderators per member.
    recipient, sender = UserFactory(), established_member()
    world.spare_client.force_login(sender)
    expected = accepted_text(value)
    for to_whom in (str(recipient.pk), "moderators"):
        before = everything()
        response = world.spare_client.post(f"/messages/new/?to={to_whom}", {"text": value})
        if expected is None:
            _refused_and_nothing_changed(response, before, to_whom)
            continue
        assert response.status_code == 302, (to_whom, response.status_code)
        started = Conversation.objects.filter(started_by=sender).order_by("-pk").first()
        assert started.with_moderators == (to_whom == "moderators")
        [(author_id, stored)] = started.messages.values_list("author_id", "text")
        assert author_id == sender.pk and stored_as(stored, expected)


@pytest.mark.parametrize("box", ["new conversation", "reply", "change"])
def test_a_message_as_long_as_the_box_allows_is_accepted_with_its_line_breaks(world, box):
    """The message box stops at 5,000 characters, and Chromium counts each line break in it as one;
    but a form sends a line break as two (CRLF), so four paragraphs that fill 4,998 of the 5,000
    arrive as 5,004 characters. The member is told "at most 5,000 characters; this one has 5004"
    about a message the box let them write."""
    typed = "\n\n".join(["w" * 1248] * 4)
    assert len(typed) == 4998
    as_sent = typed.replace("\n", "\r\n")
    recipient = UserFactory()
    path = {
        "new conversation": f"/messages/new/?to={recipient.pk}",
        "reply": f"/messages/{world.with_ben.pk}/",
        "change": f"/messages/message/{world.mine.pk}/edit/",
    }[box]
    response = world.client.post(path, {"text": as_sent})
    refusals = re.findall(r"A message can be at most[^<]*", response.content.decode())
    assert (response.status_code, refusals) == (302, [])
    if box == "new conversation":
        message = Message.objects.get(conversation__participants__member=recipient)
    elif box == "reply":
        message = world.with_ben.messages.order_by("-created_at", "-id").first()
    else:
        message = Message.objects.get(pk=world.mine.pk)
    assert message.author_id == world.ada.pk and stored_as(message.text, typed)
