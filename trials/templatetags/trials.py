from django import template

from trials.selectors import phase_label

register = template.Library()


@register.filter
def phases(value: list[str]) -> str:
    return phase_label(value or [])
