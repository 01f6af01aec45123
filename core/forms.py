from django import forms


class LongTextField(forms.CharField):
    """A text box's words with each line break as one character, as the browser counted them.

    Browsers count a line break as one character against `maxlength` but send it as two (CRLF),
    so a box filled to its limit was refused for being too long. Line breaks are made "\\n" before
    the length is checked."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")
