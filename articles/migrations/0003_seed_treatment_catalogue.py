from django.db import migrations

# The list lives in articles/catalogue.py so that this migration and the re-seed after `flush`
# (articles/signals.py) load the same data; it imports no models, only this migration's `apps`.
from articles.catalogue import seed_catalogue


def forwards(apps, schema_editor):
    seed_catalogue(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_sanctions_and_notifications"),
        ("articles", "0002_treatment"),
    ]

    # Backwards keeps the rows: migrating back past 0002 drops the table anyway.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
