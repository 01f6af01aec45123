from django import forms

from core.forms import LongTextField


class DeathReportForm(forms.Form):
    note = LongTextField(
        label="Anything the moderators should know (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example how you know. Only moderators read this.",
    )


class MemorialForm(forms.Form):
    line = forms.CharField(label="A line from the family (optional)", required=False, max_length=300)
