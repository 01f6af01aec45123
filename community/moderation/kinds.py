"""What members can report and moderators act on, by kind. community registers its posts and
members' accounts (community/apps.py); a higher app registers its own kind from its
AppConfig.ready (messaging registers private messages), so moderation never imports it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet


def _no_evidence(item) -> list[dict]:
    return []


@dataclass(frozen=True)
class ModeratedKind:
    # The name in report URLs (/report/<name>/<id>/) and the queue's filter.
    name: str
    model: type[Model]
    # What the author is told a moderator removed or edited: "post", "message".
    noun: str
    # What `viewer` may find to report: the report page's rule.
    reportable: Callable[..., QuerySet]
    # How the queue loads a page of these items, with what their context needs.
    queue_items: Callable[[], QuerySet]
    # Where the author is sent to see the item after a moderator's decision.
    url: Callable[[Model], str]
    # What a report keeps of the item and its surroundings, in case the author later changes or
    # deletes it: a list of {"who", "text", "at", "reported"} rows.
    evidence: Callable[[Model], list[dict]] = _no_evidence
    # The queue's layout for this kind's context; empty for the layout of community's posts.
    queue_template: str = ""
    # Whether enough reports hide the item until a moderator decides (posts), and whether a
    # moderator may add a note under it.
    hides_on_reports: bool = True
    takes_notes: bool = True
    is_account: bool = False
    # The queue's buttons for this kind, instead of approve, remove, warn, suspend and ban.
    actions_template: str = ""
    # The service's check on an item already found, when it differs from `reportable`: a post
    # hidden by other reports while the member wrote theirs may still be reported, unless a
    # block now stands between them.
    still_reportable: Callable[..., bool] | None = None

    def allows(self, viewer, item: Model) -> bool:
        if self.still_reportable is not None:
            return self.still_reportable(viewer, item)
        return self.reportable(viewer).filter(pk=item.pk).exists()


_kinds: dict[str, ModeratedKind] = {}


def register(kind: ModeratedKind) -> None:
    _kinds[kind.name] = kind


def by_name(name: str) -> ModeratedKind | None:
    return _kinds.get(name)


def of(item: Model) -> ModeratedKind:
    return for_model(type(item))


def for_model(model: type[Model]) -> ModeratedKind:
    for kind in _kinds.values():
        if issubclass(model, kind.model):
            return kind
    raise LookupError(f"{model.__name__} is not a moderated kind")


def every() -> list[ModeratedKind]:
    return list(_kinds.values())
