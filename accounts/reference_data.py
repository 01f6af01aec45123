"""Reference data and role groups every Kindred database must hold.

`ensure_reference_data` is idempotent. Migration 0002 calls it to create them, and a post_migrate
receiver calls it again after every migrate or flush, so a database emptied by `flush` (as
transactional tests do) and permissions added by later apps end up on the groups without another
data migration.
"""

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

# (app label, codename). Permissions of apps not migrated yet are skipped until they are.
ROLE_PERMISSIONS = {
    "Moderators": [
        ("accounts", "moderate_community"),
        ("accounts", "view_user"),
        ("accounts", "view_profile"),
    ],
    # Editors write; publishing, archiving and deleting stay with staff holding articles.publish_article.
    "Editors": [
        ("accounts", "view_user"),
        *(
            ("articles", f"{action}_{model}")
            for model in ("article", "reference", "contributor", "topic", "treatment")
            for action in ("add", "change", "view")
        ),
        ("articles", "view_articlerevision"),
    ],
}


def ensure_reference_data(apps) -> None:
    Biomarker = apps.get_model("accounts", "Biomarker")
    TreatmentType = apps.get_model("accounts", "TreatmentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    for position, (code, name) in enumerate(BIOMARKERS):
        Biomarker.objects.update_or_create(code=code, defaults={"name": name, "position": position})
    for position, (code, name) in enumerate(TREATMENT_TYPES):
        TreatmentType.objects.update_or_create(code=code, defaults={"name": name, "position": position})
    for group_name, permissions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codename in permissions:
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission:
                group.permissions.add(permission)
