from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from spp_site.text import interpolate_lazy

from .models import SlideDeck
from .services import attach_file
from .uploads import ACCEPTED_TEXT, inspect_document

ACCEPT_ATTRIBUTE = ".pdf,.pptx,.odp,.key"


class SlideDeckForm(forms.ModelForm):
    """A deck with its file: a new upload replaces the file (the old one is kept as an earlier
    version, the deck's URL stays)."""

    upload = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=interpolate_lazy(
            _(
                "%(accepted)s. Uploading a new file replaces the current one; the old file is kept as an "
                "earlier version."
            ),
            {"accepted": ACCEPTED_TEXT},
        ),
    )

    class Meta:
        model = SlideDeck
        fields = [
            "event",
            "agenda_item",
            "title",
            "slug",
            "speakers",
            "guest_speakers",
            "licence",
            "language",
        ]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        self.inspected = None
        if upload:
            self.inspected = inspect_document(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        missing = not self.instance.file and not cleaned.get("upload") and "upload" not in self.errors
        if missing and (self.has_changed() or not self.empty_permitted):
            self.add_error("upload", _("Choose the slide file to upload."))
        return cleaned

    def save(self, commit=True):
        deck = super().save(commit=False)
        upload = self.cleaned_data.get("upload")
        if upload:
            attach_file(deck, upload, self.inspected)  # stores the file and saves the deck
        elif commit:
            deck.save()
        if commit:
            self.save_m2m()
        return deck


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise ValidationError(_("Choose one or more files."), code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class BulkUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Slide files"),
        help_text=interpolate_lazy(
            _(
                "Select as many files as you like (%(accepted)s). Each becomes one deck, titled from its file "
                "name; you can edit titles and speakers afterwards."
            ),
            {"accepted": ACCEPTED_TEXT},
        ),
    )
