from django.db import migrations

from articles.catalogue import seed_synonyms


def forwards(apps, schema_editor):
    seed_synonyms(apps)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_search_synonyms")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
