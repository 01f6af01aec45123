from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from accounts.images import validate_picture
from accounts.models import Biomarker, Profile, TreatmentType
from articles.models import Topic
from community.models import Question, Reaction


class UpdateForm(forms.Form):
    text = forms.CharField(
        label="Share an update",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How are you doing? Links are fine; no other formatting.",
    )
    picture = forms.ImageField(
        label="Add a picture (optional)",
        required=False,
        help_text="JPEG, PNG or WebP, up to 10 MB. We remove location data from photos.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    picture_alt = forms.CharField(
        label="Describe the picture for people who cannot see it (optional)", required=False, max_length=250
    )

    def clean_picture(self):
        picture = self.cleaned_data.get("picture")
        if isinstance(picture, UploadedFile):
            validate_picture(
                picture, max_bytes=settings.UPDATE_PICTURE_MAX_BYTES, max_side=settings.UPDATE_PICTURE_MAX_PIXELS
            )
        return picture

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("text", "").strip() and not cleaned.get("picture"):
            raise forms.ValidationError("An update needs text or a picture.")
        return cleaned


class UpdateEditForm(forms.Form):
    text = forms.CharField(
        label="Your update", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    picture_alt = forms.CharField(label="Picture description", required=False, max_length=250)


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Write a comment",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "A comment needs some text."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)


class QuestionForm(forms.Form):
    title = forms.CharField(
        label="Your question",
        min_length=Question.TITLE_MIN,
        max_length=Question.TITLE_MAX,
        help_text=f"Between {Question.TITLE_MIN} and {Question.TITLE_MAX} characters, written as a question.",
        error_messages={
            "required": "Please write your question.",
            "min_length": f"Please write at least {Question.TITLE_MIN} characters so others understand the question.",
            "max_length": f"Please keep the question under {Question.TITLE_MAX} characters; add detail below.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    details = forms.CharField(
        label="Details (optional)",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What have you tried or been told? Leave out names and anything that identifies you.",
    )
    topic = forms.ModelChoiceField(
        label="Topic (optional)", queryset=Topic.objects.order_by("name"), required=False, empty_label="No topic"
    )
    is_anonymous = forms.BooleanField(
        label="Post as “A Kindred member” (your name is hidden from everyone; moderators can still see it)",
        required=False,
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="Your answer",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Share what you experienced or learned. This is not medical advice.",
        error_messages={"required": "An answer needs some text."},
    )


def _choices_with_any(choices):
    return [("", "Any"), *choices]


class MemberSearchForm(forms.Form):
    role = forms.ChoiceField(label="Here as", required=False, choices=_choices_with_any(Profile.Role.choices))
    diagnosis = forms.ChoiceField(
        label="Diagnosis", required=False, choices=_choices_with_any(Profile.Diagnosis.choices)
    )
    biomarker = forms.ChoiceField(label="Biomarker", required=False)
    treatment = forms.ChoiceField(label="Treatment", required=False)
    location = forms.CharField(label="Region", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["biomarker"].choices = _choices_with_any(
            Biomarker.objects.exclude(code="none_unknown").values_list("code", "name")
        )
        self.fields["treatment"].choices = _choices_with_any(TreatmentType.objects.values_list("code", "name"))
