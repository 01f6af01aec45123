from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from accounts.mail import digests
        from articles import signals  # noqa: F401
        from articles.digest import NewArticles

        digests.register("articles", NewArticles())
