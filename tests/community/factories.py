import io

import factory
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community.models import Answer, Comment, Question, Update
from tests.factories import PASSWORD, UserFactory


class UnverifiedUserFactory(UserFactory):
    """Joined, but has not confirmed the email address yet."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        user = model_class.objects.create_user(*args, password=PASSWORD, **kwargs)
        EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
        return user


class UpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Update

    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Scan results were stable this time, update {n}.")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"How did you cope with fatigue on treatment {n}?")
    details = "I am three weeks in and so tired I cannot get up the stairs."


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer, counted on its question as the service would."""

    class Meta:
        model = Answer

    question = factory.SubFactory(QuestionFactory)
    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Short walks every morning helped me, answer {n}.")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        answer = super()._create(model_class, *args, **kwargs)
        Question.objects.filter(pk=answer.question_id).update(answer_count=answer.question.answers.count())
        answer.question.refresh_from_db()
        return answer


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment on an update (pass answer= or article= with update=None for other targets)."""

    class Meta:
        model = Comment

    author = factory.SubFactory(UserFactory)
    update = factory.SubFactory(UpdateFactory)
    text = factory.Sequence(lambda n: f"Thinking of you, comment {n}.")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        comment = super()._create(model_class, *args, **kwargs)
        if comment.update_id:
            Update.objects.filter(pk=comment.update_id).update(
                comment_count=Comment.objects.filter(update_id=comment.update_id, is_removed=False).count()
            )
        elif comment.answer_id:
            Answer.objects.filter(pk=comment.answer_id).update(
                comment_count=Comment.objects.filter(answer_id=comment.answer_id, is_removed=False).count()
            )
        return comment


def picture_bytes(fmt="PNG", size=(320, 240), color=(40, 120, 200), **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


def picture_upload(name="photo.png", fmt="PNG", size=(320, 240), **save_kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture_bytes(fmt, size, **save_kwargs), content_type=f"image/{fmt.lower()}")
