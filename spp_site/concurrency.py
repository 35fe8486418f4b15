"""Edit conflicts: an editor never silently overwrites what someone else saved meanwhile.

Two editors open the same item; the first saves; the second saves from the form they opened
earlier. Without a check, the second save writes back every value of their stale form and the
first editor's work is gone. Here the second editor gets their form back, their input kept, with
who saved what in between; saving again then overwrites deliberately.

**The version token.** Every change form carries, in a hidden field, a signed snapshot of what
the form edits as it was stored when the form was opened: the values of the form's own fields
(many-to-many links and the person form's roles included) and, row by row, those of its inline
forms (agenda items, slide decks, project members, FAQ). On save, under a lock on the item's row,
the same snapshot is taken from the database; any difference is a conflict. Chosen over the
alternatives because:

- it needs no new column and works the same for every model (Person, Project, Institution…
  have no `updated_at`);
- it covers exactly what the form would overwrite. `updated_at` and simple_history's latest
  history id see the item's own columns only, not its inline rows and many-to-many links, and a
  version column would have to be raised by every path that writes one of those;
- what the form does not edit (download counts, the iCalendar sequence) and saves that change
  nothing (an editor pressing Save twice, publishing a published item) are no conflict, where a
  version number would count them;
- it holds the values the editor saw, so the conflict lists "before → now" for every field and
  row; simple_history adds who saved, and when.

The price is size: the field carries the item's text once more (compressed). It is signed, so a
form cannot be made to show invented "before" values.

"Save again to keep your version" means the whole form as the editor sends it again, stale
values of fields they did not touch included (they have seen the list of what changed). Inline
rows are the exception where Django cannot write back: a row added meanwhile stays, a row deleted
meanwhile stays deleted (`ContentInlineFormSet`); the list says so.

**Race safety.** A save first locks the item's row (`SELECT … FOR NO KEY UPDATE` on PostgreSQL)
in the transaction the admin saves in, then reads the snapshot, locking the inline rows too; a
concurrent save of the same item waits for the lock and then reads the committed change. (`NO
KEY` so that adding a row that refers to the item, such as a membership from the person's form,
does not wait for it.) SQLite has no row locks: there a transaction takes the database's write
lock when it begins (`transaction_mode` in the settings), so saves run one after the other.

**Change lists and actions.** A list-editable change list (news "featured", page menu and
order) gives every row its own token of the row's editable values: a row the editor did not
touch is not written back (Django compares with the stored row and would write the stale value
back); a touched row whose values someone else changed meanwhile is refused with what changed.
The publish/unpublish actions are deliberate bulk changes of status and publication time: they
lock the rows and change just that on the stored rows, so they lose nothing; an open form of such
an item then sees the change as a conflict.
"""

import difflib
import json
import re
import time
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_manager_for_model

TOKEN_FIELD = "edit_token"
DIFF_MAX_LINES = 40
TEXT_MAX_CHARS = 500


# --- locking ---------------------------------------------------------------------------------


def locked(queryset):
    """The rows of `queryset`, locked until the transaction ends (a no-op on SQLite). Read from
    the plain table in primary-key order, so annotations, joins for ordering and DISTINCT cannot
    get in the lock's way and two transactions take their locks in the same order."""
    model = queryset.model
    return (
        model._base_manager.select_for_update(no_key=True).filter(pk__in=queryset.values("pk")).order_by("pk")
    )


def lock_rows(model, keys):
    """Lock the rows whose primary keys are `keys` (text from a URL or a form); keys that are
    no valid primary key are skipped (the admin reports those rows as missing)."""
    pk = model._meta.pk
    valid = []
    for key in keys:
        try:
            value = pk.to_python(key)
            pk.run_validators(value)  # in the column's range, so the query cannot fail
        except (ValidationError, TypeError):
            continue
        valid.append(value)
    if valid:
        list(locked(model._base_manager.filter(pk__in=valid)).values_list("pk", flat=True))


def edited_row_keys(request, pk_name, prefix="form"):
    """The primary keys of the rows a list-editable change list posts."""
    pattern = re.compile(rf"{re.escape(prefix)}-\d+-{re.escape(pk_name)}")
    return [value for key, value in request.POST.items() if pattern.fullmatch(key)]


# --- snapshots -------------------------------------------------------------------------------


def _plain(value):
    """A form's initial value as JSON-ready data that is equal for equal content: rows by primary
    key, files by name, sets of rows and choices sorted."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        return sorted((_plain(v) for v in value), key=str)
    return value


def _json(data):
    """`data` as it comes back from the token (dates as ISO text, tuples as lists)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def form_values(form, names=None):
    """What the unbound `form` shows, field by field."""
    names = form.fields if names is None else names
    return {
        name: _plain(form.get_initial_for_field(form.fields[name], name))
        for name in names
        if name != TOKEN_FIELD
    }


def inline_formsets(model_admin, request, obj):
    """(key, formset class, inline) for each inline of `obj`'s change form, keyed like the
    admin's form prefixes."""
    seen = {}
    for formset_class, inline in model_admin.get_formsets_with_inlines(request, obj):
        prefix = formset_class.get_default_prefix()
        seen[prefix] = seen.get(prefix, 0) + 1
        yield (prefix if seen[prefix] == 1 else f"{prefix}-{seen[prefix]}"), formset_class, inline


def inline_rows(formset_class, inline, request, obj, lock=False):
    """{pk: {"label", "values"}} for the rows of one inline of `obj`, as stored."""
    queryset = inline.get_queryset(request)
    related = [f.name for f in queryset.model._meta.many_to_many if f.name in formset_class.form.base_fields]
    queryset = queryset.prefetch_related(*related)
    if lock:
        queryset = queryset.select_for_update(of=("self",), no_key=True)
    formset = formset_class(instance=obj, queryset=queryset)
    return {
        str(form.instance.pk): {
            "label": str(form.instance),
            "values": form_values(form, formset_class.form.base_fields),
        }
        for form in formset.initial_forms
    }


@dataclass(frozen=True)
class Seen:
    """What a form showed when it was opened: the snapshot, and when."""

    state: dict
    opened_at: datetime


UNREADABLE = object()  # a token that is not ours (tampered, or signed with an old secret key)


class EditTokenField(forms.CharField):
    """The hidden version token. It is not content: it never counts as a change."""

    widget = forms.HiddenInput

    def __init__(self):
        super().__init__(required=False, label="")

    def has_changed(self, initial, data):
        return False


# --- the check -------------------------------------------------------------------------------


class DiffLine(NamedTuple):
    kind: str  # "same", "removed", "added", or "gap" between the parts shown
    text: str


@dataclass
class Change:
    """One difference between the snapshot a form was opened with and the stored item."""

    label: str
    before: str = ""
    after: str = ""
    lines: list[DiffLine] = field(default_factory=list)  # a short line diff, for long texts
    note: str = ""  # for whole rows: "added", "deleted"
    yours_too: bool = False  # the editor changed this field as well

    def __str__(self):
        if self.note:
            return f"{self.label}: {self.note}"
        if self.lines:
            return _("%(label)s: changed") % {"label": self.label}
        return f"{self.label}: {self.before} → {self.after}"


@dataclass
class Conflict:
    message: str
    changes: list


class EditGuard:
    """The version check of one request's admin forms.

    `whole_item`: a change form (the snapshot is read from the stored row and includes the
    inline rows); otherwise a change-list row (the row's own editable fields, read from the
    form's instance, which the change list loads fresh)."""

    def __init__(self, model_admin, request, *, whole_item):
        self.model_admin = model_admin
        self.request = request
        self.whole_item = whole_item

    # tokens

    def _salt(self, obj):
        return f"spp_site.concurrency:{obj._meta.label_lower}:{obj.pk}"

    def token(self, obj, state):
        """The token of `obj` stored as `state`, opened now."""
        payload = {"state": state, "at": round(time.time(), 3)}
        return signing.dumps(payload, salt=self._salt(obj), compress=True)

    def read(self, form):
        """The posted token of a bound `form`: a Seen, UNREADABLE, or None when there is none
        (a form opened before this check existed, or a script posting data)."""
        token = form.data.get(form.add_prefix(TOKEN_FIELD))
        if not token:
            return None
        try:
            payload = signing.loads(token, salt=self._salt(form.instance))
            return Seen(payload["state"], datetime.fromtimestamp(payload["at"], UTC))
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return UNREADABLE

    # snapshots

    def stored(self, obj):
        """`obj` as stored now (None when it was deleted)."""
        if not self.whole_item:
            return obj
        return type(obj)._base_manager.filter(pk=obj.pk).first()

    def state(self, form_class, obj, lock=False):
        state = {"fields": form_values(form_class(instance=obj))}
        if self.whole_item:
            state["inlines"] = {
                key: inline_rows(formset_class, inline, self.request, obj, lock)
                for key, formset_class, inline in inline_formsets(self.model_admin, self.request, obj)
            }
        return _json(state)

    # what changed, and who

    def changes(self, form, before, now):
        """The differences between two snapshots, in the form's field order."""
        result = []
        mine = set(form.changed_data)
        for name, form_field in form.fields.items():
            if name == TOKEN_FIELD or before["fields"].get(name) == now["fields"].get(name):
                continue
            change = describe(form_field, name, before["fields"].get(name), now["fields"].get(name))
            change.yours_too = name in mine
            result.append(change)
        if self.whole_item:
            obj = form.instance
            for key, formset_class, inline in inline_formsets(self.model_admin, self.request, obj):
                result += row_changes(
                    formset_class.form.base_fields,
                    capfirst(inline.verbose_name or inline.model._meta.verbose_name),
                    before.get("inlines", {}).get(key, {}),
                    now.get("inlines", {}).get(key, {}),
                )
        return result

    def saved_by(self, obj, since):
        """(editors, latest time) of the saves of `obj` and its inline rows after `since`, from the
        change history; the editors most recent first (saves by scripts have none)."""
        records = []
        sources = [(type(obj), {type(obj)._meta.pk.attname: obj.pk})]
        if self.whole_item:
            sources += [
                (formset_class.model, {formset_class.fk.name: obj.pk})
                for _, formset_class, _ in inline_formsets(self.model_admin, self.request, obj)
            ]
        for model, lookup in sources:
            try:
                history = get_history_manager_for_model(model)
            except NotHistoricalModelError:
                continue  # rows without their own history: saving them saves the item too
            records += history.filter(**lookup, history_date__gt=since).values_list(
                "history_date", "history_user_id"
            )
        records.sort(key=lambda record: record[0], reverse=True)
        user_ids = list(dict.fromkeys(user_id for _, user_id in records if user_id is not None))
        users = get_user_model()._default_manager.in_bulk(user_ids)
        return [users[i] for i in user_ids if i in users], (records[0][0] if records else None)

    def conflict(self, form, seen, now):
        """The conflict of `form`, opened with `seen`, with the item stored as `now`."""
        if seen is UNREADABLE:
            message = _(
                "This form could not be checked against the saved version (the page was probably opened "
                "before a site update). Your changes are not saved yet. Check them, then save again."
            )
            return Conflict(message, [])
        changes = self.changes(form, seen.state, now)
        editors, at = self.saved_by(form.instance, seen.opened_at)
        return Conflict(conflict_message(editors, at, self.request.user, changes, self.whole_item), changes)


def conflict_message(editors, at, me, changes, whole_item=True):
    """The error an editor reads, in plain words (`when` is "" or " at 14:32…", with its space)."""
    when = f" {_when(at)}" if at else ""
    others = [u for u in editors if u != me]
    if editors and not others:
        first = (
            _("You saved this item in another window%(when)s while you were editing here.")
            if whole_item
            else _("You saved this row in another window%(when)s while you were editing here.")
        ) % {"when": when}
    elif others:
        names = [_name(u) for u in others] + ([_("you, in another window")] if me in editors else [])
        first = (
            _("Someone else — %(names)s — saved this item%(when)s while you were editing.")
            if whole_item
            else _("Someone else — %(names)s — saved this row%(when)s while you were editing.")
        ) % {"names": _join(names), "when": when}
    else:  # saved by a script, or by a path that keeps no history
        first = (
            _("Someone else saved this item%(when)s while you were editing.")
            if whole_item
            else _("Someone else saved this row%(when)s while you were editing.")
        ) % {"when": when}
    if whole_item:
        return _(
            "%(first)s Your changes are not saved yet. Review what changed below, then save again to "
            "keep your version."
        ) % {"first": first}
    return _(
        "%(first)s What changed: %(changes)s. Your changes are not saved yet; save again to keep your version."
    ) % {"first": first, "changes": "; ".join(map(str, changes))}


def _name(user):
    return user.get_full_name() or user.get_username()


def _join(names):
    if len(names) == 1:
        return names[0]
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _when(moment):
    """The time as "at 14:32", or "at 14:32 on 3 December 2026" for another day, in the site's zone
    (not the event's zone an event form is shown in)."""
    local = timezone.localtime(moment, zoneinfo.ZoneInfo(settings.TIME_ZONE))
    if local.date() == timezone.localdate(timezone=local.tzinfo):
        return _("at %(time)s") % {"time": f"{local:%H:%M}"}
    return _("at %(time)s on %(date)s") % {
        "time": f"{local:%H:%M}",
        "date": date_format(local.date(), _long_date()),
    }


def _long_date():
    """The format of a date in words, in the active language ("3 December 2026")."""
    return pgettext("date format (as Django's date filter)", "j F Y")


def _short_date():
    """The format of a date with the month abbreviated, in the active language ("3 Dec 2026")."""
    return pgettext("date format (as Django's date filter)", "j M Y")


# --- how values read -------------------------------------------------------------------------


def describe(form_field, name, before, now):
    label = str(form_field.label or capfirst(name.replace("_", " ")))
    if _is_long(before) or _is_long(now):
        return Change(label, lines=text_diff(before or "", now or ""))
    return Change(label, display(form_field, before), display(form_field, now))


def row_changes(fields, verbose_name, before, now):
    """Row by row: added, deleted, or changed field by field (rows by primary key)."""
    result = []
    for key, row in now.items():
        if key not in before:
            result.append(Change(_row_label(verbose_name, row), note=_("added (it stays when you save)")))
    for key, row in before.items():
        label = _row_label(verbose_name, row)
        if key not in now:
            result.append(
                Change(
                    label,
                    note=_("deleted (saving again does not bring it back; add it as a new row to keep it)"),
                )
            )
            continue
        for name, form_field in fields.items():
            old, new = row["values"].get(name), now[key]["values"].get(name)
            if old != new:
                change = describe(form_field, name, old, new)
                change.label = f"{label}: {change.label}"
                result.append(change)
    return result


def _row_label(verbose_name, row):
    return _("%(kind)s “%(label)s”") % {"kind": verbose_name, "label": row["label"]}


def _is_long(value):
    return isinstance(value, str) and "\n" in value.strip()


def text_diff(before, now):
    """A short line diff: the changed lines with one line of context around them."""
    lines = []
    for line in difflib.unified_diff(before.splitlines(), now.splitlines(), n=1, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if lines:
                lines.append(DiffLine("gap", "…"))
            continue
        lines.append(DiffLine({"-": "removed", "+": "added"}.get(line[:1], "same"), line[1:]))
    if len(lines) > DIFF_MAX_LINES:
        rest = len(lines) - DIFF_MAX_LINES
        more = ngettext("… %(count)d more line", "… %(count)d more lines", rest) % {"count": rest}
        lines = [*lines[:DIFF_MAX_LINES], DiffLine("gap", more)]
    return lines


def display(form_field, value):
    """A stored value as the editor knows it: names of linked items, labels of choices, local
    times, file names."""
    if value in (None, "", []):
        return _("(empty)")
    if isinstance(form_field, forms.ModelChoiceField):  # also the multiple-choice one
        keys = value if isinstance(value, list) else [value]
        rows = form_field.queryset.model._base_manager.in_bulk(keys)
        return ", ".join(str(rows[k]) if k in rows else _("(deleted)") for k in keys)
    if isinstance(form_field, forms.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(form_field, forms.ChoiceField):
        labels = _choice_labels(form_field.choices)
        keys = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(str(k), k)) for k in keys)
    if isinstance(form_field, forms.FileField):
        return str(value).rsplit("/", 1)[-1]
    text = str(value)
    if isinstance(form_field, forms.SplitDateTimeField | forms.DateTimeField) and parse_datetime(text):
        local = timezone.localtime(parse_datetime(text))
        return f"{date_format(local.date(), _short_date())}, {local:%H:%M}"
    if isinstance(form_field, forms.DateField) and parse_date(text):
        return date_format(parse_date(text), _short_date())
    return text if len(text) <= TEXT_MAX_CHARS else f"{text[:TEXT_MAX_CHARS]}…"


def _choice_labels(choices):
    labels = {}
    for key, label in choices:
        if isinstance(label, list | tuple):  # a group of choices
            labels.update({str(k): v for k, v in label})
        else:
            labels[str(key)] = label
    return labels


# --- the form side ---------------------------------------------------------------------------


def initial_values(form, values):
    """The snapshot's values as a form's initial data, so that `has_changed()` compares the
    editor's input with what they saw, not with what is stored now. File fields keep their own
    initial (their widget shows the current file from it)."""
    model = form._meta.model
    initial = {}
    for name, value in values.items():
        form_field = form.fields.get(name)
        if form_field is None or isinstance(form_field, forms.FileField):
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            initial[name] = value  # a form's own field (a person's roles): plain values
            continue
        try:
            initial[name] = value if model_field.many_to_many else model_field.to_python(value)
        except ValidationError:
            continue  # the field's type changed since the form was opened: compare with the stored row
    return initial


class EditConflictFormMixin:
    """Form side of the check; `ContentAdmin` mixes it into its forms with an `edit_guard`.

    Unbound, the form gets a token of the stored item. Bound, it reads the token it was opened
    with and, on clean, compares it with the stored item: on a difference the form is invalid
    with a message naming who saved when, `edit_conflict` lists what changed, and the token is
    replaced by one for the item as stored now, so that saving again keeps the editor's version.
    Change-list rows are checked only when the editor changed them (the others are not saved)."""

    edit_guard: EditGuard

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD] = EditTokenField()
        self.edit_conflict = None
        self.edit_seen = None
        if not self.is_bound:
            # A callable initial is evaluated when the field is rendered, not for every form built.
            self.initial[TOKEN_FIELD] = self._current_token
            return
        self.edit_seen = self.edit_guard.read(self)
        if isinstance(self.edit_seen, Seen):
            self.initial.update(initial_values(self, self.edit_seen.state["fields"]))

    def _current_token(self):
        guard = self.edit_guard
        obj = guard.stored(self.instance)
        return guard.token(obj, guard.state(type(self), obj)) if obj is not None else ""

    def clean(self):
        cleaned_data = super().clean()
        if self.edit_seen is not None and (self.edit_guard.whole_item or self.has_changed()):
            self._check_edit_conflict()
        return cleaned_data

    def _check_edit_conflict(self):
        guard = self.edit_guard
        stored = guard.stored(self.instance) if self.instance.pk is not None else None
        if stored is None:
            return  # deleted meanwhile: the admin says so
        now = guard.state(type(self), stored, lock=True)
        if isinstance(self.edit_seen, Seen) and now == self.edit_seen.state:
            return
        self.edit_conflict = guard.conflict(self, self.edit_seen, now)
        self.add_error(None, ValidationError(self.edit_conflict.message, code="edit_conflict"))
        self.data = self.data.copy()
        self.data[self.add_prefix(TOKEN_FIELD)] = guard.token(stored, now)


def guarded(form_class, guard):
    """`form_class` with the version check of `guard`."""
    return type(form_class.__name__, (EditConflictFormMixin, form_class), {"edit_guard": guard})
