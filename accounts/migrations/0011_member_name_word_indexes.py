"""Word indexes for member search.

Search matches each word typed as the start of a word of a member's display name or shared
location (`marg` finds Margaret), through GIN indexes on `to_tsvector('simple', ...)` of the same
expression community/search.py queries. The trigram indexes of 0010 answered `LIKE '%word%'` but
still read long posting lists: 5 ms a lookup on 20,000 members, twice per search.
"""

from django.db import migrations

INDEXES = {
    "accounts_user_display_name_words": ("accounts_user", "display_name"),
    "accounts_profile_location_words": ("accounts_profile", "location"),
}


def add_indexes(apps, schema_editor):
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING GIN (to_tsvector('simple'::regconfig, COALESCE({column}, '')::text))"
        )


def remove_indexes(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_member_search_trigram")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
