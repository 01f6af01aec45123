from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles import selectors
from articles.models import Article

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    title = f"{settings.SITE_NAME}: medically reviewed articles"
    subtitle = "New articles for people living with lung cancer and those who care for them."

    def link(self):
        return reverse("article_list")

    def items(self):
        return selectors.article_list()[:FEED_LENGTH]

    def item_title(self, item: Article):
        return item.title

    def item_description(self, item: Article):
        return item.summary

    def item_author_name(self, item: Article):
        return item.author.byline

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_on
