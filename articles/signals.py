from django.apps import apps as global_apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from articles.catalogue import seed_catalogue, seed_synonyms
from articles.selectors import SEARCH_VOCABULARY_KEY, TITLE_WORDS_KEY, TOPIC_CHOICES_KEY
from core import page_cache


@receiver(post_migrate, dispatch_uid="articles.treatment_catalogue")
def catalogue_after_flush(sender, apps=global_apps, **kwargs):
    # Migration 0003 seeds the catalogue; `flush` (transactional tests) empties it again. Refill only
    # an empty catalogue so that a migrate never overwrites what staff edited in the admin.
    if sender.name != "articles":
        return
    try:
        Treatment = apps.get_model("articles", "Treatment")
    except LookupError:  # migrated back to before the catalogue existed
        return
    if not Treatment.objects.exists():
        seed_catalogue(apps)
    try:
        SearchSynonym = apps.get_model("articles", "SearchSynonym")
    except LookupError:
        return
    if not SearchSynonym.objects.exists():
        seed_synonyms(apps)


@receiver(post_save, dispatch_uid="articles.visitor_pages_on_save")
@receiver(post_delete, dispatch_uid="articles.visitor_pages_on_delete")
def visitor_pages_after_edit(sender, **kwargs):
    # Every visitor page lists articles, topics or medicines somewhere; staff edits are rare, so any
    # change to them drops all cached visitor pages rather than tracking which page showed what.
    if sender._meta.app_label == "articles":
        page_cache.invalidate("articles")


@receiver(post_save, dispatch_uid="articles.cached_reads_on_save")
@receiver(post_delete, dispatch_uid="articles.cached_reads_on_delete")
def cached_reads_after_edit(sender, **kwargs):
    key = {
        "articles.Treatment": SEARCH_VOCABULARY_KEY,
        "articles.SearchSynonym": SEARCH_VOCABULARY_KEY,
        "articles.Article": TITLE_WORDS_KEY,
        "articles.Topic": TOPIC_CHOICES_KEY,
    }.get(sender._meta.label)
    if key is None:
        return
    # Now, so this transaction's searches see the change, and again on commit, in case another
    # request cached the old words in between.
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
