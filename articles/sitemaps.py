from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles import selectors
from articles.models import Article, Topic, Treatment

STATIC_PAGES = ["home", "about", "guidelines", "privacy", "terms"]


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return selectors.article_list()

    def lastmod(self, item: Article):
        return item.updated_on


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return selectors.topics()

    def location(self, item: Topic):
        return item.get_absolute_url()


class TreatmentSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return selectors.treatments()

    def location(self, item: Treatment):
        return item.get_absolute_url()


class StaticPageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return STATIC_PAGES

    def location(self, item: str):
        return reverse(item)


SITEMAPS = {
    "pages": StaticPageSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "treatments": TreatmentSitemap,
}
