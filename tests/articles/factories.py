import datetime

import factory
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.utils import timezone

from articles.models import Article, Contributor, Reference, Topic
from articles.services import article_render_body
from tests.factories import EditorFactory


def give_totp(user):
    """Staff must have two-factor on to use the admin."""
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def make_editor(**kwargs):
    return give_totp(EditorFactory(is_staff=True, **kwargs))


def make_publisher(**kwargs):
    """Staff with the publish permission, as the lead would set up a "Publishers" role."""
    publisher = make_editor(**kwargs)
    publisher.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["publish_article", "delete_article", "delete_reference", "view_articlerevision"],
        )
    )
    # Permissions are cached per user object.
    return type(publisher).objects.get(pk=publisher.pk)


class ContributorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contributor

    name = factory.Sequence(lambda n: f"Writer {n}")
    credentials = "R.N."
    bio = "Writes about living well with lung cancer."


class ReviewerFactory(ContributorFactory):
    name = factory.Sequence(lambda n: f"Doctor {n}")
    credentials = "M.D."
    is_medical_reviewer = True


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    description = "What this topic covers."


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short summary for readers."
    body = "## First section\n\nSome text citing a source[^1].\n\n## Second section\n\nMore text."
    author = factory.SubFactory(ContributorFactory)
    reviewer = factory.SubFactory(ReviewerFactory)
    hero_image = factory.django.ImageField(filename="hero.png", width=160, height=90, color="teal")
    hero_alt = "A nurse talking with a patient."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        article = model_class(*args, **kwargs)
        article_render_body(article=article)
        article.save()
        return article

    @factory.post_generation
    def references(obj, create, extracted, **kwargs):
        if not create:
            return
        count = 1 if extracted is None else extracted
        for number in range(1, count + 1):
            ReferenceFactory(article=obj, number=number)

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if extracted:
            obj.topics.set(extracted)


class PublishedArticleFactory(ArticleFactory):
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    last_reviewed_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    review_due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=360))


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory, references=0)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Lung cancer treatment guide {n}")
    source = "National Cancer Institute"
    url = "https://www.cancer.gov/types/lung"
    year = 2025
