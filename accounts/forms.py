import time

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts import selectors
from accounts.images import validate_picture
from accounts.models import HEALTH_FIELDS, Biomarker, EmailPreferences, Profile, TeamAddPolicy, User, Visibility

NONE_OR_UNKNOWN = "none_unknown"


SIGNUP_STARTED_SALT = "kindred.signup.started"


class MemberSignupForm(SignupForm):
    # When the form was shown, signed so it cannot be forged: people take seconds, bots do not.
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    display_name = forms.CharField(
        label="Your name as others will see it",
        max_length=60,
        help_text="A first name or a nickname is fine. Your email address is never shown.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    # Separate and unticked: joining never depends on it (GDPR art. 9 explicit consent).
    health_consent = forms.BooleanField(
        required=False,
        initial=False,
        help_text="Optional. You can join and post without it, and give or withdraw it later in your privacy settings.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["health_consent"].label = format_html(
            "I agree that Kindred may store health information I choose to share (diagnosis, biomarkers and "
            'treatments). <a href="{}">Read the privacy policy</a>.',
            reverse("privacy"),
        )
        if not self.is_bound:
            self.fields["started"].initial = signing.dumps(time.time(), salt=SIGNUP_STARTED_SALT)
        # Name first: it is what a person expects to be asked first.
        self.fields = {"display_name": self.fields.pop("display_name"), **self.fields}
        honeypot = settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD
        if honeypot in self.fields:
            # allauth hides its honeypot with an inline style, which our CSP blocks; a CSS rule
            # on the field's wrapper (#div_id_<name>) hides it instead.
            self.fields[honeypot].widget.attrs.pop("style", None)
            # allauth asks for autocomplete="nope", which is no autofill token; "off" is, and also
            # keeps browsers from filling in the trap.
            self.fields[honeypot].widget.attrs["autocomplete"] = "off"
        if "password1" in self.fields:
            self.fields["password1"].label = "Password (optional)"
            self.fields["password1"].help_text = "Leave this empty to log in with a code we email you each time."

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError("Please enter a name others will see.")
        return name

    def filled_too_fast(self) -> bool:
        try:
            started = signing.loads(self.data.get("started", ""), salt=SIGNUP_STARTED_SALT, max_age=86400)
        except (signing.BadSignature, TypeError):
            return True
        return time.time() - float(started) < settings.SIGNUP_MIN_FILL_SECONDS

    def try_save(self, request):
        # Like allauth's honeypot: a bot gets the usual "check your email" answer and no account.
        if self.filled_too_fast():
            return None, get_adapter().respond_email_verification_sent(request, None)
        return super().try_save(request)


VISIBILITY_LABELS = {
    "role": "Who can see why you are here",
    "diagnosis": "Who can see your diagnosis",
    "stage": "Who can see your stage",
    "biomarkers": "Who can see your biomarkers",
    "treatments": "Who can see your treatments",
    "medicines": "Who can see your medicines",
    "year_diagnosed": "Who can see the year",
    "location": "Who can see where you live",
}


class ProfileForm(forms.ModelForm):
    display_name = forms.CharField(label="Your name as others see it", max_length=60)

    class Meta:
        model = Profile
        fields = [
            "avatar",
            "role",
            "role_visibility",
            "diagnosis",
            "diagnosis_visibility",
            "stage",
            "stage_visibility",
            "biomarkers",
            "biomarkers_visibility",
            "treatments",
            "treatments_visibility",
            "medicines",
            "medicines_visibility",
            "year_diagnosed",
            "year_diagnosed_visibility",
            "location",
            "location_visibility",
            "bio",
        ]
        labels = {
            "avatar": "Profile picture",
            "role": "You are here as",
            "diagnosis": "Diagnosis",
            "stage": "Stage",
            "biomarkers": "Biomarkers",
            "treatments": "Treatments",
            "medicines": "Current and past medicines",
            "year_diagnosed": "Year diagnosed",
            "location": "Where you live (a region)",
            "bio": "About you",
        }
        help_texts = {
            "avatar": "JPEG, PNG or WebP, up to 5 MB. We remove location data from the photo.",
            "biomarkers": "Tick all that your tests found.",
            "medicines": "Tick any you take or have taken. Listed by generic name, with brand names in brackets.",
            "bio": "A few words for others in the community (up to 1,000 characters).",
        }
        widgets = {
            "biomarkers": forms.CheckboxSelectMultiple,
            "treatments": forms.CheckboxSelectMultiple,
            # No class of its own: crispy writes class="form-check-input" on each box, and a second
            # class attribute is invalid HTML. The wrapper's .medicine-choices styles the list.
            "medicines": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 4}),
            "avatar": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "year_diagnosed": forms.NumberInput(attrs={"inputmode": "numeric"}),
            **{
                f"{name}_visibility": forms.Select(attrs={"class": "form-select-sm"}) for name in Profile.PRIVATE_FIELDS
            },
        }

    def __init__(self, *args, user: User, health_consent: bool | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].initial = user.display_name
        self.fields = {"display_name": self.fields.pop("display_name"), **self.fields}
        # Without consent to storing health details the form has no health fields at all, so
        # anything posted for them is ignored.
        if health_consent is None:
            health_consent = selectors.has_health_consent(member=user)
        self.health_consent = health_consent
        if not health_consent:
            for name in HEALTH_FIELDS:
                del self.fields[name]
                del self.fields[f"{name}_visibility"]
        for name in Profile.PRIVATE_FIELDS:
            if f"{name}_visibility" not in self.fields:
                continue
            field = self.fields[f"{name}_visibility"]
            field.label = VISIBILITY_LABELS[name]
            field.choices = [(Visibility.MEMBERS, "Members"), (Visibility.ONLY_ME, "Only me")]
        for name in ("role", "diagnosis", "stage"):
            if name in self.fields:
                self.fields[name].choices = [("", "Prefer not to say"), *self.fields[name].choices[1:]]
        if "medicines" in self.fields:
            # Alphabetical by generic name; each label ("osimertinib (Tagrisso)") names the brands too.
            self.fields["medicines"].queryset = self.fields["medicines"].queryset.order_by("generic_name")

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError("Please enter a name others will see.")
        return name

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if isinstance(avatar, UploadedFile):
            validate_picture(avatar, max_bytes=settings.AVATAR_MAX_BYTES, max_side=settings.AVATAR_MAX_PIXELS)
        return avatar

    def clean_year_diagnosed(self):
        year = self.cleaned_data.get("year_diagnosed")
        if year is not None and not 1900 <= year <= timezone.now().year:
            raise forms.ValidationError(f"Please enter a year between 1900 and {timezone.now().year}.")
        return year

    def clean_biomarkers(self):
        biomarkers = self.cleaned_data.get("biomarkers") or Biomarker.objects.none()
        codes = {b.code for b in biomarkers}
        if NONE_OR_UNKNOWN in codes and len(codes) > 1:
            raise forms.ValidationError(
                "“None found or not known” cannot be ticked together with a biomarker. Please untick one."
            )
        return biomarkers


class PrivacySettingsForm(forms.ModelForm):
    """Who sees what, who can add the member to a team, and whether they can be found."""

    class Meta:
        model = Profile
        fields = [
            *(f"{name}_visibility" for name in Profile.PRIVATE_FIELDS),
            "team_add_policy",
            "message_policy",
            "discoverable",
        ]
        labels = {
            "team_add_policy": "Who can add you to their team",
            "message_policy": "Who can send you a private message",
            "discoverable": "Show me in “members like you” and in member search",
        }
        help_texts = {
            "team_add_policy": "Adding someone to a team means following their updates. Nobody needs your approval "
            "unless you choose “Nobody”. People already in a team keep their place until you block them.",
            "message_policy": "Members you have added to your team can always write to you directly. A first "
            "message from anyone else arrives as a request, and you choose whether to accept it.",
        }
        widgets = {"team_add_policy": forms.RadioSelect, "message_policy": forms.RadioSelect}

    def __init__(self, *args, health_consent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Profile.PRIVATE_FIELDS:
            if not health_consent and name in HEALTH_FIELDS:
                del self.fields[f"{name}_visibility"]
                continue
            field = self.fields[f"{name}_visibility"]
            field.label = VISIBILITY_LABELS[name]
            field.choices = [(Visibility.MEMBERS, "Members"), (Visibility.ONLY_ME, "Only me")]
        self.fields["team_add_policy"].choices = [
            (TeamAddPolicy.EVERYONE, "Any member"),
            (TeamAddPolicy.NOBODY, "Nobody"),
        ]

    def visibility_fields(self):
        return [self[f"{name}_visibility"] for name in Profile.PRIVATE_FIELDS if f"{name}_visibility" in self.fields]


class AccountDeleteForm(forms.Form):
    KEEP = "keep"
    EVERYTHING = "everything"

    what = forms.ChoiceField(
        label="What happens to what you wrote",
        choices=[
            (EVERYTHING, "Delete everything I wrote: updates, questions, answers, comments and reactions."),
            (
                KEEP,
                "Keep my answers and comments for others to read, shown as written by “Former member”. "
                "Everything else is deleted.",
            ),
        ],
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label="I understand that my account cannot be recovered once it is deleted.", required=True
    )


class SubscribeForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label="Your email address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class EmailPreferencesForm(forms.ModelForm):
    class Meta:
        model = EmailPreferences
        fields = [
            "digest_frequency",
            "treatment_news",
            "new_articles",
            "answers",
            "replies",
            "new_messages",
            "team_news",
            "trial_alerts",
        ]
        labels = {
            "digest_frequency": "A digest of what is new for you",
            "new_articles": "Email me when a new article is published",
            "answers": "Email me when someone answers my question",
            "replies": "Email me when someone replies to my comment or comments on my update",
            "new_messages": "Email me when someone sends me a private message (never the words themselves)",
            "team_news": "Email me news about members of my team",
            "treatment_news": "Include treatment news in my digest (new articles and trials)",
            "trial_alerts": "Tell me about new recruiting trials that match my biomarkers",
        }
        help_texts = {
            "trial_alerts": "In your digest: newly recruiting trials matched to the biomarkers on your profile. "
            "Neither the subject nor the first line ever names a biomarker or a diagnosis.",
        }
        widgets = {"digest_frequency": forms.RadioSelect}

    def __init__(self, *args, health_consent: bool, bereaved: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Matching trials reads health details: offered only to a member who consented to them.
        if not health_consent:
            del self.fields["trial_alerts"]
        # After a death, news of treatments can hurt: a bereaved carer may leave it out.
        if not bereaved:
            del self.fields["treatment_news"]
