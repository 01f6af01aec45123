from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What several apps share and none owns: the visitor page cache, list pages, template filters.
    The bottom layer: it imports none of Kindred's apps."""

    name = "core"

    def ready(self):
        from core import checks  # noqa: F401
