"""Who may do what with articles: each check lives here and nowhere else."""

from accounts.permissions import is_member

PUBLISH_PERMISSION = "articles.publish_article"


def can_edit_articles(user) -> bool:
    return is_member(user) and user.is_staff and user.has_perm("articles.change_article")


def can_publish(user) -> bool:
    return is_member(user) and user.is_staff and user.has_perm(PUBLISH_PERMISSION)


def can_preview(user) -> bool:
    """Staff who work on articles see drafts, scheduled and archived ones exactly as readers will."""
    return is_member(user) and user.is_staff and user.has_perm("articles.view_article")
