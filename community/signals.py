from allauth.account.signals import user_signed_up
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article
from community.models import Comment
from community.moderation.screening import screen_new_member
from core import page_cache


@receiver(user_signed_up, dispatch_uid="community.screen_new_member")
def screen_sign_up(sender, request, user, **kwargs):
    screen_new_member(member=user)


@receiver(post_save, sender=Comment, dispatch_uid="community.article_page_on_comment_save")
@receiver(post_delete, sender=Comment, dispatch_uid="community.article_page_on_comment_delete")
def article_page_after_comment(sender, instance, **kwargs):
    # A visitor's copy of the article shows how many comments it has.
    if instance.article_id is None:
        return
    # The article may be going away in the same cascade: ask for its slug, do not follow the relation.
    slug = Article.objects.filter(pk=instance.article_id).values_list("slug", flat=True).first()
    if slug is not None:
        page_cache.invalidate(f"article:{slug}")
