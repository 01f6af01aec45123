"""Trigram indexes for member search.

Member search matches display names and locations with `icontains`, which Django writes as
`UPPER(column::text) LIKE UPPER('%term%')`. A trigram GIN index on the same `UPPER(...)` expression
lets PostgreSQL answer that from the index instead of reading every member and profile.
"""

from django.db import migrations

INDEXES = {
    "accounts_user_display_name_trgm": ("accounts_user", "display_name"),
    "accounts_profile_location_trgm": ("accounts_profile", "location"),
}


def add_indexes(apps, schema_editor):
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING GIN ((UPPER({column}::text)) gin_trgm_ops)"
        )


def remove_indexes(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_consent_for_existing_health_data"),
        # pg_trgm is installed there.
        ("articles", "0004_search_vectors"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
