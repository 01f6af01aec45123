"""Numbers read from a query string or a posted form."""


def whole_number(value: str | None) -> int | None:
    """A database id or count from a query or form value: ASCII digits only ("²".isdigit() is true)
    and small enough for a bigint, so a crafted value is ignored instead of raising a 500."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None
