from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def database_is_named(app_configs, **kwargs):
    if getattr(settings, "DATABASE_IS_EMBEDDED", False):
        return [
            Warning(
                "DATABASE_URL is not set, so the site runs on the private development PostgreSQL in .pgdata/.",
                hint="Set DATABASE_URL to the production database server.",
                id="kindred.W001",
            )
        ]
    return []
