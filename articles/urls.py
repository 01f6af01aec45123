from django.contrib.sitemaps.views import sitemap
from django.urls import path

from articles import views
from articles.feeds import LatestArticlesFeed
from articles.sitemaps import SITEMAPS

urlpatterns = [
    path("articles/", views.article_list, name="article_list"),
    path("articles/feed/", LatestArticlesFeed(), name="article_feed"),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    # /topics/<slug>/ and /treatments/<slug>/ are hubs served by the community app (community.hubs).
    path("contributors/<int:contributor_id>/", views.contributor_detail, name="contributor_detail"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
]
