from django.db import migrations

# Staff edit these in the admin; this only fills an empty list.
RESOURCES = [
    (
        "988 Suicide & Crisis Lifeline",
        "United States",
        "Call or text 988",
        "https://988lifeline.org",
        "Free and confidential, day and night, for anyone in distress.",
    ),
    (
        "9-8-8 Suicide Crisis Helpline",
        "Canada",
        "Call or text 988",
        "https://988.ca",
        "Trained responders in English and French, at any hour.",
    ),
    (
        "Samaritans",
        "United Kingdom and Ireland",
        "Call 116 123",
        "https://www.samaritans.org",
        "Someone to talk to, whatever you are going through, any time.",
    ),
    (
        "Lifeline",
        "Australia",
        "Call 13 11 14",
        "https://www.lifeline.org.au",
        "Crisis support and suicide prevention, around the clock.",
    ),
    (
        "Find a Helpline",
        "Anywhere else",
        "Search by country",
        "https://findahelpline.com",
        "A directory of free, confidential helplines around the world.",
    ),
]


def forwards(apps, schema_editor):
    CrisisResource = apps.get_model("community", "CrisisResource")
    if CrisisResource.objects.exists():
        return
    for position, (name, region, contact, url, description) in enumerate(RESOURCES):
        CrisisResource.objects.create(
            name=name, region=region, contact=contact, url=url, description=description, position=position
        )


class Migration(migrations.Migration):
    dependencies = [("community", "0002_moderation")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
