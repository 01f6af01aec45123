from django import forms

from core.forms import LongTextField
from messaging.models import TEXT_MAX


class MessageForm(forms.Form):
    text = LongTextField(
        label="Your message",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "A message needs some words.",
            "max_length": "A message can be at most 5,000 characters long; this one has %(show_value)d.",
        },
        help_text="Plain text; links are fine.",
    )
