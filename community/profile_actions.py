"""Buttons that apps above community add to a member's profile page.

community does not know those apps. An app registers a template and a function in its
`AppConfig.ready`; the function gets the viewer and the member and returns the template's context,
or None to show nothing for this viewer (for example "Send a message" to someone who cannot be
messaged)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileAction:
    template_name: str
    context: dict


_actions: dict[str, Callable] = {}


def register(template_name: str, context: Callable) -> None:
    """Called from an AppConfig.ready; registering the same template again replaces it."""
    _actions[template_name] = context


def for_member(*, viewer, member) -> list[ProfileAction]:
    shown = []
    for template_name, context in _actions.items():
        values = context(viewer=viewer, member=member)
        if values is not None:
            shown.append(ProfileAction(template_name=template_name, context=values))
    return shown
