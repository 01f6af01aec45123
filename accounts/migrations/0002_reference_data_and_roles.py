from django.contrib.auth.management import create_permissions
from django.db import migrations

BIOMARKERS = [
    ("EGFR", "EGFR"),
    ("ALK", "ALK"),
    ("ROS1", "ROS1"),
    ("BRAF", "BRAF"),
    ("KRAS", "KRAS"),
    ("MET", "MET"),
    ("RET", "RET"),
    ("NTRK", "NTRK"),
    ("HER2", "HER2"),
    ("PD-L1", "PD-L1"),
    ("none_unknown", "None found or not known"),
]

TREATMENT_TYPES = [
    ("surgery", "Surgery"),
    ("chemotherapy", "Chemotherapy"),
    ("radiation", "Radiation"),
    ("targeted-therapy", "Targeted therapy"),
    ("immunotherapy", "Immunotherapy"),
    ("clinical-trial", "Clinical trial"),
    ("other", "Other"),
]

# Later apps add their own permissions to these groups in their own migrations.
ROLE_PERMISSIONS = {
    "Moderators": [("accounts", "moderate_community"), ("accounts", "view_user"), ("accounts", "view_profile")],
    "Editors": [("accounts", "view_user")],
}


def forwards(apps, schema_editor):
    Biomarker = apps.get_model("accounts", "Biomarker")
    TreatmentType = apps.get_model("accounts", "TreatmentType")
    for position, (code, name) in enumerate(BIOMARKERS):
        Biomarker.objects.update_or_create(code=code, defaults={"name": name, "position": position})
    for position, (code, name) in enumerate(TREATMENT_TYPES):
        TreatmentType.objects.update_or_create(code=code, defaults={"name": name, "position": position})

    # Permissions are normally made after all migrations; make this app's now so groups can hold them.
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, permissions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codename in permissions:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
