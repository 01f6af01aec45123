from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from accounts.images import validate_picture
from accounts.models import Biomarker, Profile, TreatmentType
from articles.models import Article, Topic
from community.models import Question, Reaction
from community.moderation.models import ModerationAction, Report
from core.forms import LongTextField


class UpdateForm(forms.Form):
    text = LongTextField(
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
    text = LongTextField(label="Your update", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    picture_alt = forms.CharField(label="Picture description", required=False, max_length=250)


class CommentForm(forms.Form):
    text = LongTextField(
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
    details = LongTextField(
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
    text = LongTextField(
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


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose what is wrong."},
    )
    note = LongTextField(
        label="Anything a moderator should know (needed for “Something else”)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AppealForm(forms.Form):
    text = LongTextField(
        label="Why do you think the decision was wrong?",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Please tell us why you think the decision was wrong."},
    )


class ReviewActionForm(forms.Form):
    ACTIONS = [
        ("approve", "Approve"),
        ("remove", "Remove"),
        ("edit", "Edit"),
        ("note", "Add a note"),
        ("warn", "Warn the author"),
        ("suspend", "Suspend the author"),
        ("ban", "Ban the author"),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    reason_code = forms.ChoiceField(
        label="Reason", choices=[c for c in ModerationAction.ReasonCode.choices if c[0]], required=False
    )
    note = forms.CharField(label="Note to the author", required=False, max_length=1000)
    new_text = LongTextField(label="Edited text", required=False, max_length=10000, widget=forms.Textarea)
    article = forms.ModelChoiceField(
        label="Reviewed article to point to",
        queryset=Article.objects.filter(status="published"),
        required=False,
    )
    days = forms.TypedChoiceField(
        label="Suspend for",
        choices=[(d, f"{d} day{'s' if d > 1 else ''}") for d in (1, 3, 7, 30)],
        coerce=int,
        required=False,
        empty_value=0,
    )

    def action_arguments(self) -> dict:
        """Every field as the moderation services take it: plain values, blanks as "" or 0."""
        data = self.cleaned_data
        return {
            "reason_code": data.get("reason_code") or "",
            "note": data.get("note") or "",
            "new_text": data.get("new_text") or "",
            "article": data.get("article"),
            "days": data.get("days") or 0,
        }
