"""Signed tokens for the links in emails. Each kind has its own salt, so a token made for one
purpose (confirming a subscription) is refused by another (unsubscribing), and any change to a
token breaks its signature."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "kindred.subscription.confirm"
UNSUBSCRIBE_SALT = "kindred.unsubscribe"
CONFIRM_MAX_AGE = 14 * 86400

# What an unsubscribe link for a member stops.
LIST_DIGEST = "digest"
LIST_ARTICLES = "articles"
MEMBER_LISTS = (LIST_DIGEST, LIST_ARTICLES)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def confirm_token(subscription) -> str:
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and {"s", "e"} <= data.keys() else None


def confirm_url(subscription) -> str:
    return absolute(reverse("subscribe_confirm", args=[confirm_token(subscription)]))


def subscription_unsubscribe_token(subscription) -> str:
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=UNSUBSCRIBE_SALT, compress=True)


def member_unsubscribe_token(member, list_name: str) -> str:
    if list_name not in MEMBER_LISTS:
        raise ValueError(list_name)
    return signing.dumps({"m": member.pk, "l": list_name}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict | None:
    # Unsubscribe links never expire: an old email must still let someone leave.
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    if {"s", "e"} <= data.keys() or ({"m", "l"} <= data.keys() and data["l"] in MEMBER_LISTS):
        return data
    return None


def unsubscribe_url(token: str) -> str:
    return absolute(reverse("unsubscribe", args=[token]))
