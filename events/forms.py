import datetime

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget
from django.core.exceptions import ValidationError
from django.forms.utils import from_current_timezone
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spp_site.text import interpolate_lazy

from .models import UPLOAD_LINK_DAYS_AFTER_EVENT, AgendaItem, Licence, SlideDeck
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


class ConfirmDeckForm(forms.Form):
    """One file of a bulk upload, waiting: which talk it belongs to, its title, and what to do."""

    CREATE, REPLACE, SKIP = "create", "replace", "skip"

    token = forms.CharField(widget=forms.HiddenInput)
    talk = forms.ModelChoiceField(
        label=_("Talk"), queryset=AgendaItem.objects.none(), required=False, empty_label=_("(no talk)")
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the talk's title (or the cleaned file name)."),
    )
    action = forms.ChoiceField(
        label=_("What to do"),
        choices=[(CREATE, _("Create a new deck")), (SKIP, _("Skip this file"))],
    )

    def __init__(self, *args, talks=(), duplicate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["talk"].queryset = AgendaItem.objects.filter(pk__in=[t.pk for t in talks])
        self.fields["talk"].choices = [("", self.fields["talk"].empty_label)] + [
            (t.pk, str(t)) for t in talks
        ]
        self.talks = {t.pk: t for t in talks}
        self.duplicate = duplicate
        if duplicate is not None:
            self.fields["action"].choices = [
                (self.SKIP, _("Skip: keep the existing deck as it is")),
                (self.REPLACE, _("Replace: update the existing deck")),
            ]


class SpeakerUploadForm(forms.Form):
    """A speaker's own slides, sent through an upload link (events/views.py). The file is checked
    by `receive_speaker_upload`, as the admin's uploads are; which talk it is for comes from the
    link in the session, never from the form."""

    file = forms.FileField(
        label=_("Slide file"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=interpolate_lazy(_("Accepted: %(accepted)s."), {"accepted": ACCEPTED_TEXT}),
        error_messages={"required": _("Choose the slide file to upload.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("As it should appear on the event page; correct it if needed."),
    )
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=Licence.choices,
        initial=Licence.CC_BY,
        widget=forms.RadioSelect,
        help_text=_(
            "CC BY 4.0: anyone may share and adapt your slides if they name you as the author. "
            "“All rights reserved”: visitors may view and download them, nothing more."
        ),
    )
    note = forms.CharField(
        label=_("Note to the editors (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: “Please replace the version from the meeting.” Not shown on the site."),
    )


class AgendaItemForm(forms.ModelForm):
    """An agenda row as an editor thinks of it: a day, a start time and an end time (or a duration),
    combined into the item's `start` and `end` in the current time zone, which the event's admin
    sets to the event's own zone (a time that does not exist on that day, or exists twice, when
    the clocks change, is refused with a message)."""

    day = forms.DateField(label=_("Day"), widget=AdminDateWidget)
    start_time = forms.TimeField(label=_("Start"), widget=AdminTimeWidget(format="%H:%M"))
    end_time = forms.TimeField(
        label=_("End"),
        required=False,
        widget=AdminTimeWidget(format="%H:%M"),
        help_text=_("Optional; or give a duration."),
    )
    duration = forms.IntegerField(
        label=_("Duration (minutes)"),
        required=False,
        min_value=1,
        max_value=24 * 60,
        help_text=_("Used when no end time is given."),
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "room", "speakers", "guest_speakers", "abstract"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.start:
            start = timezone.localtime(self.instance.start)
            self.initial.setdefault("day", start.date())
            self.initial.setdefault("start_time", start.time())
            if self.instance.end:
                self.initial.setdefault("end_time", timezone.localtime(self.instance.end).time())
        speakers = self.fields.get("speakers")
        widget = getattr(speakers and speakers.widget, "widget", None)
        if self.instance.pk and hasattr(widget, "preloaded"):
            # The admin's speakers prefetched for all rows: the chosen options without a query per row.
            widget.preloaded = {str(person.pk): str(person) for person in self.instance.speakers.all()}

    def _moment(self, day, at, field):
        try:
            return from_current_timezone(datetime.datetime.combine(day, at))
        except ValidationError as exc:
            self.add_error(field, exc)
            return None

    def clean(self):
        cleaned = super().clean()
        day, start_time = cleaned.get("day"), cleaned.get("start_time")
        end_time, duration = cleaned.get("end_time"), cleaned.get("duration")
        if day is None or start_time is None:
            return cleaned
        start = self._moment(day, start_time, "start_time")
        if start is None:
            return cleaned
        end = None
        if end_time is not None:
            if end_time < start_time:
                self.add_error("end_time", _("An agenda item cannot end before it starts."))
                return cleaned
            end = self._moment(day, end_time, "end_time")
            if end is None:
                return cleaned
        elif duration:
            end = start + datetime.timedelta(minutes=duration)  # real minutes, across a clock change too
        self.instance.start, self.instance.end = start, end
        return cleaned


# --- speakers' upload links (the event's "Speaker upload links" page) ---------------------------
def expiry_from_day(day: datetime.date, event) -> datetime.datetime:
    """A link valid until `day` is valid through that whole day, in the event's time zone."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=event.tzinfo)


def default_expiry_day(event) -> datetime.date:
    return timezone.localtime(
        event.end + datetime.timedelta(days=UPLOAD_LINK_DAYS_AFTER_EVENT), event.tzinfo
    ).date()


def default_link_subject():
    return _("Your slides for “{talk}”: upload link")


def default_link_message():
    # Translators: keep the names in braces as they are; they are replaced for each speaker.
    return _(
        "Dear {name},\n\n"
        "thank you for your talk “{talk}” at {event} ({start}). Please send us your slides through "
        "this personal link; it is valid until {expires}:\n\n"
        "{link}\n\n"
        "No account is needed: open the link, choose the file (PDF, PowerPoint, Keynote or "
        "OpenDocument), check the title and the licence, and send. The editors look at the file "
        "before it goes online on the event's page. Please do not pass the link on.\n\n"
        "Questions: {contact}\n"
    )


class LinkMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        max_length=5000,
        help_text=_(
            "{name}, {talk}, {event}, {start}, {link}, {expires} and {contact} are replaced with "
            "each link's recipient, talk, event, start, address, last valid day and the site's "
            "contact address."
        ),
    )

    def clean_message(self):
        message = self.cleaned_data["message"]
        if "{link}" not in message:
            raise ValidationError(_("The message must contain {link}, the speaker's link."))
        return message


class UploadLinksForm(LinkMessageForm):
    """Make links for the chosen talks of an event: one per speaker or one per talk."""

    PER_SPEAKER, PER_TALK = "speaker", "talk"

    talks = forms.ModelMultipleChoiceField(
        label=_("Talks"),
        queryset=AgendaItem.objects.none(),
        error_messages={"required": _("Choose at least one talk.")},
    )
    per = forms.ChoiceField(
        label=_("Links"),
        choices=[
            (PER_SPEAKER, _("One per speaker (a talk without speakers from the people directory gets one)")),
            (PER_TALK, _("One per talk")),
        ],
        widget=forms.RadioSelect,
        initial=PER_SPEAKER,
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Through the whole day, in the event's time zone. Usually 30 days after the event."),
    )
    send = forms.BooleanField(label=_("E-mail the links now"), required=False)
    field_order = ["talks", "per", "expires_on", "send", "subject", "message"]

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["talks"].queryset = event.agenda_items.all()
        self.fields["expires_on"].initial = default_expiry_day(event)
        self.fields["subject"].initial = default_link_subject()
        self.fields["message"].initial = default_link_message()

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if expiry_from_day(day, self.event) <= timezone.now():
            raise ValidationError(_("Choose a day that is not over yet."))
        return day


class ExtendLinkForm(forms.Form):
    expires_on = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
