"""Machine-readable dates and times for `<time datetime="...">`.

HTML accepts at most three digits of fractions of a second, while Django's `date:"c"` writes the
six that Python keeps, so every `datetime` attribute in the templates goes through this filter.
"""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value, precision: str = "time") -> str:
    """ISO 8601 in the current time zone, to the millisecond; `html_datetime:"date"` gives the day only."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if precision == "date":
            return value.date().isoformat()
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
