"""The site search: an index of what visitors may see, kept current, and the queries on it.

**The index.** One `SearchEntry` per public item (news, events, agenda talks, slide decks with
the text of their PDF, projects, people, research perspectives, pages, calls): its title, teaser
(or abstract, summary), body (plain text of the Markdown) and "extra" text (speakers' names, the
slides' text), with its date, address and a few facts for the results page. What goes in is
decided by each app's own QuerySet methods (`published()`, `public()`): drafts, scheduled items,
decks of unpublished events are never indexed, so they can never be found.

- **PostgreSQL**: a stored `tsvector` with weights A title, B teaser, C body, D extra; each text
  is parsed with the `german`, `english` and `simple` configurations, so "Netz" finds "Netze",
  "networks" finds "network" and names match as written. A GIN index serves it; `ts_rank`
  orders, `ts_headline` cuts the snippets.
- **SQLite**: an FTS5 table (Porter stemming) that triggers fill from the entries (migration
  spp_site 0005); `bm25()` with the same column weights orders, `snippet()` cuts the snippets.

**Kept current.** Saving or deleting content re-indexes the item and what shows it (an event's
talks and decks, a person's talks, decks and projects) when the transaction commits. Scheduled
items become visible with nobody saving anything: the one `SearchState` row holds the next such
moment, and the search view (one small query while nothing is due) takes in what was published
since before it answers. `manage.py rebuild_search_index` rebuilds everything (after an import).

**Queries.** The visitor's text is never handed to a query parser: it is cut into words (letters
and digits only; quotes, operators, `%`, backslashes, NUL are dropped), at most `MAX_TERMS` of
them; every word must occur, the last one also as a prefix (typing "approx" finds
"approximation"). Each word goes to the database as a bound parameter (PostgreSQL `to_tsquery`
on a bare word, SQLite FTS5 as a quoted string).
"""

import difflib
import functools
import logging
import operator
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import F, Min, TextField, Value
from django.db.models.functions import Concat
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .markdown import markdown_to_text
from .models import SearchEntry, SearchState
from .text import single_line, strip_control_characters

logger = logging.getLogger(__name__)
Kind = SearchEntry.Kind

MAX_QUERY_LENGTH = 200  # characters of the visitor's text that are read
MAX_TERMS = 12
MAX_TERM_LENGTH = 60  # longer "words" are cut (no real word is longer; tsquery has limits)
MAX_HITS = 1000  # results ranked and counted; nobody pages beyond
MAX_TEXT = 60_000  # characters per text column (a tsvector must stay below 1 MB)
PER_PAGE = 20
# Markers of a match in a snippet (private-use characters, removed from indexed text): the
# snippet is HTML-escaped first, then they become <mark> and </mark>.
START, STOP = "\ue000", "\ue001"
_MARKERS = re.compile(f"[{START}{STOP}]")
_WORD = re.compile(r"[^\W_]+")  # a run of letters and digits (any script)
CONFIGS = ("german", "english", "simple")
WEIGHTS = (("title", "A"), ("teaser", "B"), ("body", "C"), ("extra", "D"))
SQLITE_WEIGHTS = "10.0, 4.0, 2.0, 1.0"  # bm25 weights of title, teaser, body, extra
FTS_TABLE = "spp_site_searchentry_fts"


# --- what is indexed ------------------------------------------------------------------------------


def _text(value, limit=MAX_TEXT) -> str:
    return _MARKERS.sub("", strip_control_characters(value or ""))[:limit]


def _names(people) -> str:
    return ", ".join(p.full_name for p in people)


@dataclass(frozen=True)
class Source:
    """One kind of indexed item: its model, the QuerySet of what visitors may see of it (each
    app's own publishing rule), how to prefetch what an entry needs, and the entry's texts."""

    kind: str
    label: str  # the model's "app_label.model_name"
    visible: callable  # () -> QuerySet of the items visitors may see right now
    prepare: callable  # QuerySet -> QuerySet with what `entry` reads
    entry: callable  # item -> dict of SearchEntry fields
    scheduled: bool = False  # has a publication time (goes public by itself)
    dependants: tuple = field(default=())  # (label, lookup): items that show this one

    @functools.cached_property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.label)


def _news_visible():
    from news.models import NewsItem

    return NewsItem.objects.published()


def _news_entry(item):
    return {
        "title": item.title,
        "teaser": item.teaser,
        "body": markdown_to_text(item.body),
        "extra": item.author_name,
        "date": item.publish_at,
        "meta": {"label": item.get_category_display()},
    }


def _events_visible():
    from events.models import Event

    return Event.objects.published()


def _event_entry(event):
    return {
        "title": event.title,
        "teaser": event.summary,
        "body": markdown_to_text(event.description),
        "extra": event.location_text,
        "date": event.start,
        "meta": {"label": event.get_kind_display(), "cancelled": event.is_cancelled},
    }


def _talks_visible():
    from events.models import AgendaItem

    return AgendaItem.objects.public().exclude(kind=AgendaItem.Kind.BREAK)


def _talk_entry(item):
    return {
        "title": item.title,
        "teaser": markdown_to_text(item.abstract),
        "extra": ", ".join(item.speaker_names()),
        "date": item.start,
        "meta": {"event": item.event.title, "label": item.get_kind_display()},
    }


def _decks_visible():
    from events.models import SlideDeck

    return SlideDeck.objects.public()


def _deck_entry(deck):
    return {
        "title": deck.title,
        "extra": "\n".join(filter(None, [", ".join(deck.speaker_names()), deck.text])),
        "date": deck.event.start,
        "meta": {"event": deck.event.title, "pages": deck.page_count},
    }


def _projects_visible():
    from programs.models import Project

    return Project.objects.all()


def _project_entry(project):
    return {
        "title": str(project),
        "body": markdown_to_text(project.abstract),
        "extra": ", ".join(
            [m.person.full_name for m in project.memberships.all()]
            + [i.name for i in project.institutions.all()]
        ),
    }


def _people_visible():
    from programs.models import Person

    return Person.objects.all()


def _person_entry(person):
    return {
        "title": person.display_name,
        "teaser": person.affiliation.name if person.affiliation else "",
        "body": markdown_to_text(person.bio),
    }


def _perspectives_visible():
    from programs.models import ResearchPerspective

    return ResearchPerspective.objects.all()


def _perspective_entry(perspective):
    return {
        "title": perspective.title,
        "teaser": perspective.summary,
        "body": markdown_to_text(perspective.body),
    }


def _pages_visible():
    from .models import Page

    return Page.objects.published()


def _page_entry(page):
    return _with_german_version(
        page, {"title": page.title, "teaser": page.summary, "body": markdown_to_text(page.body)}
    )


def _with_german_version(item, fields):
    """An item's German version (spp_site.models.GermanVersion), when it has one, is searched too
    (its title and summary with the teaser, its text with the body), and the German site shows
    its German title in the results (`meta["title_de"]`)."""
    if not item.has_german_version:
        return fields
    return {
        **fields,
        "teaser": " ".join(filter(None, [fields["teaser"], item.title_de, item.summary_de])),
        "body": f"{fields['body']} {markdown_to_text(item.body_de)}".strip(),
        "meta": {**fields.get("meta", {}), "title_de": single_line(item.title_de)},
    }


def _calls_visible():
    from programs.models import Call

    return Call.objects.published()


def _call_entry(call):
    faq = " ".join(f"{q.question} {markdown_to_text(q.answer)}" for q in call.faq_items.all())
    fields = {
        "title": call.title,
        "teaser": call.summary,
        "body": f"{markdown_to_text(call.body)} {faq}".strip(),
        "date": call.deadline,
    }
    return _with_german_version(call, fields)


SOURCES = {
    source.label: source
    for source in [
        Source(Kind.NEWS, "news.newsitem", _news_visible, lambda qs: qs.for_listing(), _news_entry, True),
        Source(
            Kind.EVENT,
            "events.event",
            _events_visible,
            lambda qs: qs,
            _event_entry,
            True,
            (("events.agendaitem", "event__in"), ("events.slidedeck", "event__in")),
        ),
        Source(
            Kind.TALK,
            "events.agendaitem",
            _talks_visible,
            lambda qs: qs.select_related("event").prefetch_related("speakers"),
            _talk_entry,
        ),
        Source(Kind.DECK, "events.slidedeck", _decks_visible, lambda qs: qs.for_listing(), _deck_entry),
        Source(
            Kind.PROJECT,
            "programs.project",
            _projects_visible,
            lambda qs: qs.prefetch_related("institutions", "memberships__person"),
            _project_entry,
        ),
        Source(
            Kind.PERSON,
            "programs.person",
            _people_visible,
            lambda qs: qs.select_related("affiliation"),
            _person_entry,
            dependants=(
                ("events.agendaitem", "speakers__in"),
                ("events.slidedeck", "speakers__in"),
                ("programs.project", "members__in"),
            ),
        ),
        Source(
            Kind.PERSPECTIVE,
            "programs.researchperspective",
            _perspectives_visible,
            lambda qs: qs,
            _perspective_entry,
        ),
        Source(Kind.PAGE, "spp_site.page", _pages_visible, lambda qs: qs, _page_entry, True),
        Source(
            Kind.CALL,
            "programs.call",
            _calls_visible,
            lambda qs: qs.prefetch_related("faq_items"),
            _call_entry,
            True,
        ),
    ]
}
SOURCE_OF_KIND = {source.kind: source for source in SOURCES.values()}
# Models that are not indexed themselves but change what an indexed item shows:
# label -> [(indexed label, lookup)].
OTHER_DEPENDANTS = {
    "programs.institution": (
        ("programs.person", "affiliation__in"),
        ("programs.project", "institutions__in"),
    ),
}
# Rows of these models belong to an indexed item: label -> (indexed label, attribute with its id).
PARTS = {
    "programs.projectmembership": [("programs.project", "project_id"), ("programs.person", "person_id")],
    "programs.faqitem": [("programs.call", "call_id")],
}


def search_vector():
    """The weighted vector of an entry's texts, each in every configuration (PostgreSQL)."""
    return functools.reduce(
        operator.add,
        [
            SearchVector(column, config=config, weight=weight)
            for column, weight in WEIGHTS
            for config in CONFIGS
        ],
    )


def _entries(source, items) -> list[SearchEntry]:
    content_type = ContentType.objects.get_for_model(source.model)
    entries = []
    for item in items:
        fields = {"teaser": "", "body": "", "extra": "", "date": None, "meta": {}, **source.entry(item)}
        entries.append(
            SearchEntry(
                content_type=content_type,
                object_id=item.pk,
                kind=source.kind,
                title=single_line(_text(fields["title"], 400)),
                teaser=_text(fields["teaser"]),
                body=_text(fields["body"]),
                extra=_text(fields["extra"]),
                date=fields["date"],
                url=item.get_absolute_url(),
                meta=fields["meta"],
            )
        )
    return entries


def _write(entries: list[SearchEntry]) -> None:
    created = SearchEntry.objects.bulk_create(entries, batch_size=200)
    if connection.vendor == "postgresql" and created:
        SearchEntry.objects.filter(pk__in=[e.pk for e in created]).update(vector=search_vector())


def _with_dependants(targets: dict[str, set]) -> dict[str, set]:
    """`targets` and the indexed items that show them (an event's talks and decks, …)."""
    result = defaultdict(set)
    for label, pks in targets.items():
        if not pks:
            continue
        if label in SOURCES:
            result[label].update(pks)
        dependants = SOURCES[label].dependants if label in SOURCES else OTHER_DEPENDANTS.get(label, ())
        for dependant, lookup in dependants:
            model = SOURCES[dependant].model
            result[dependant].update(model._base_manager.filter(**{lookup: pks}).values_list("pk", flat=True))
    return result


def _index(targets: dict[str, set]) -> None:
    """Re-index the items in `targets` (label -> primary keys): those visitors may see get a
    fresh entry, the others (drafts, deleted items) lose theirs."""
    for label, pks in targets.items():
        source = SOURCES[label]
        content_type = ContentType.objects.get_for_model(source.model)
        SearchEntry.objects.filter(content_type=content_type, object_id__in=pks).delete()
        _write(_entries(source, source.prepare(source.visible().filter(pk__in=pks))))


def reindex(targets: dict[str, set]) -> None:
    """Re-index these items and their dependants, then note the next scheduled publication."""
    with transaction.atomic():
        _index(_with_dependants(targets))
        _note_next_publication()


def rebuild() -> dict[str, int]:
    """Index everything visitors may see now, from scratch. Returns the number of entries per kind."""
    now = timezone.now()
    counts = {}
    if getattr(connection, "search_pending", None):
        connection.search_pending.clear()  # saved earlier in this transaction: rebuilt here anyway
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        for source in SOURCES.values():
            entries = _entries(source, source.prepare(source.visible()).iterator(chunk_size=500))
            SearchEntry.objects.bulk_create(entries, batch_size=200)
            counts[source.kind] = len(entries)
        if connection.vendor == "postgresql":
            SearchEntry.objects.update(vector=search_vector())
        SearchState.objects.update_or_create(
            pk=1, defaults={"checked_at": now, "next_due": _next_publication(now)}
        )
    return counts


# --- scheduled publication ------------------------------------------------------------------------


def _next_publication(now):
    """The first moment after `now` at which a scheduled item goes public (or None)."""
    moments = [
        source.model.objects.not_drafts()
        .filter(publish_at__gt=now)
        .aggregate(first=Min("publish_at"))["first"]
        for source in SOURCES.values()
        if source.scheduled
    ]
    return min(filter(None, moments), default=None)


def _note_next_publication() -> None:
    """After a save: a scheduled time may have been set or moved. A sync that is due already is
    left for `sync_due` (which knows since when to look)."""
    now = timezone.now()
    upcoming = _next_publication(now)
    state, created = SearchState.objects.select_for_update().get_or_create(
        pk=1, defaults={"checked_at": now, "next_due": upcoming}
    )
    if not created and (state.next_due is None or state.next_due > now) and state.next_due != upcoming:
        state.next_due = upcoming
        state.save(update_fields=["next_due"])


def sync_due() -> None:
    """Take in the items whose scheduled publication has passed since the index last looked (one
    query when none has)."""
    now = timezone.now()
    if not SearchState.objects.filter(pk=1, next_due__lte=now).exists():
        return
    with transaction.atomic():
        state = SearchState.objects.select_for_update().filter(pk=1, next_due__lte=now).first()
        if state is None:
            return  # another request did it meanwhile
        targets = {
            label: set(source.visible().filter(publish_at__gt=state.checked_at).values_list("pk", flat=True))
            for label, source in SOURCES.items()
            if source.scheduled
        }
        _index(_with_dependants(targets))
        state.checked_at = now
        state.next_due = _next_publication(now)
        state.save()


# --- keeping the index current --------------------------------------------------------------------


def _pending():
    """The items to re-index when the current transaction commits (label -> primary keys)."""
    pending = getattr(connection, "search_pending", None)
    if pending is None or not any(func is _flush for _, func, _ in connection.run_on_commit):
        connection.search_pending = defaultdict(set)
        transaction.on_commit(_flush)
    return connection.search_pending


def _flush():
    targets = getattr(connection, "search_pending", None) or {}
    connection.search_pending = None
    _reindex_logged(targets)


def _reindex_logged(targets):
    try:
        reindex(targets)
    except Exception:
        # The change itself is committed and must not end in an error page; the index catches up
        # at the next save of the item or with `manage.py rebuild_search_index`.
        logger.exception("The search index could not be updated for %s.", dict(targets))


def schedule(label: str, pks) -> None:
    """Re-index these items once the current transaction commits (at once outside one)."""
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    if connection.in_atomic_block:
        _pending()[label].update(pks)
    else:
        _reindex_logged({label: pks})


def _saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    label = sender._meta.label_lower
    if label in SOURCES or label in OTHER_DEPENDANTS:
        schedule(label, [instance.pk])
    for target, attribute in PARTS.get(label, ()):
        schedule(target, [getattr(instance, attribute)])


def _deleting(sender, instance, **kwargs):
    """Before a delete: the dependants are still linked (afterwards they no longer are)."""
    label = sender._meta.label_lower
    for target, pks in _with_dependants({label: {instance.pk}}).items():
        schedule(target, pks)


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        schedule(type(instance)._meta.label_lower, [instance.pk])
        return
    label = model._meta.label_lower  # the model that holds the field (a talk, a deck, a project)
    if action == "pre_clear":
        field_name = next(f.name for f in model._meta.many_to_many if f.remote_field.through is sender)
        pk_set = model._base_manager.filter(**{field_name: instance}).values_list("pk", flat=True)
    schedule(label, pk_set or ())


def connect():
    from django.apps import apps

    for label in [*SOURCES, *OTHER_DEPENDANTS, *PARTS]:
        model = apps.get_model(label)
        uid = f"search-{label}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_saved, sender=model, dispatch_uid=f"{uid}-delete")
        pre_delete.connect(_deleting, sender=model, dispatch_uid=f"{uid}-pre-delete")
    for label in ("events.agendaitem", "events.slidedeck", "programs.project"):
        for m2m in apps.get_model(label)._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through._meta.auto_created:
                m2m_changed.connect(
                    _m2m_changed, sender=through, dispatch_uid=f"search-m2m-{through._meta.label}"
                )


# --- queries --------------------------------------------------------------------------------------


def query_text(raw) -> str:
    """The visitor's text as shown back (one line, no control characters, at most 200 characters)."""
    return _MARKERS.sub("", single_line(str(raw or "")[: MAX_QUERY_LENGTH * 2]))[:MAX_QUERY_LENGTH]


def terms_of(text: str) -> list[str]:
    """The words searched for: letters and digits only, lower case, without repeats."""
    words = (word.lower()[:MAX_TERM_LENGTH] for word in _WORD.findall(text[:MAX_QUERY_LENGTH]))
    return list(dict.fromkeys(words))[:MAX_TERMS]


def _pg_query(terms):
    """Every word in any configuration, the last also as a prefix. Each word is only letters and
    digits, so `to_tsquery` reads it as one word (or a phrase of its parts), never as operators."""
    parts = []
    for index, term in enumerate(terms):
        value = f"{term}:*" if index == len(terms) - 1 else term
        parts.append(
            functools.reduce(
                operator.or_, [SearchQuery(value, config=config, search_type="raw") for config in CONFIGS]
            )
        )
    return functools.reduce(operator.and_, parts)


def _fts_match(terms) -> str:
    """An FTS5 query: each word as a quoted string (so NEAR, AND, * are plain words), the last as a prefix."""
    quoted = [f'"{term}"' for term in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


def _ranked(terms) -> list[tuple[int, str]]:
    """(entry id, kind) of the matching entries, best first."""
    if connection.vendor == "postgresql":
        query = _pg_query(terms)
        return list(
            SearchEntry.objects.filter(vector=query)
            .annotate(rank=SearchRank(F("vector"), query))
            .order_by("-rank", F("date").desc(nulls_last=True), "pk")
            .values_list("pk", "kind")[:MAX_HITS]
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.id, e.kind FROM {FTS_TABLE} JOIN spp_site_searchentry e ON e.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY bm25({FTS_TABLE}, {SQLITE_WEIGHTS}), e.date DESC, e.id LIMIT %s",
            [_fts_match(terms), MAX_HITS],
        )
        return cursor.fetchall()


def _snippets(terms, ids) -> dict[int, str]:
    """Snippets with the matches between START and STOP, for the entries `ids` (where a text matched)."""
    if connection.vendor == "postgresql":
        text = Concat("teaser", Value(" "), "body", Value(" "), "extra", output_field=TextField())
        headline = SearchHeadline(
            text, _pg_query(terms), config="english", start_sel=START, stop_sel=STOP,
            max_words=30, min_words=12, max_fragments=2, fragment_delimiter=" … ",
        )  # fmt: skip
        rows = SearchEntry.objects.filter(pk__in=ids).annotate(snippet=headline).values_list("pk", "snippet")
        return {pk: snippet for pk, snippet in rows if START in (snippet or "")}
    placeholders = ", ".join(["%s"] * len(ids))
    columns = ", ".join(f"snippet({FTS_TABLE}, {n}, %s, %s, '…', 24)" for n in (1, 2, 3))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, {columns} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})",
            [START, STOP] * 3 + [_fts_match(terms), *ids],
        )
        rows = cursor.fetchall()
    found = {}
    for pk, *snippets in rows:
        marked = [snippet for snippet in snippets if START in (snippet or "")]
        if marked:
            found[pk] = marked[0]
    return found


def highlighted(snippet: str) -> str:
    """A snippet as HTML: its text escaped, its matches in <mark> (always balanced)."""
    out, open_ = [], False
    for part in re.split(f"([{START}{STOP}])", snippet):
        if part == START and not open_:
            out.append("<mark>")
            open_ = True
        elif part == STOP and open_:
            out.append("</mark>")
            open_ = False
        elif part not in (START, STOP):
            out.append(escape(part))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))


@dataclass(frozen=True)
class Result:
    entry: SearchEntry
    snippet: str  # HTML: escaped text, matches in <mark>


class Results:
    """The ranked hits of one search, as the paginator's object list: counting is free (the
    ranked ids are known); slicing loads the entries of one page with their snippets."""

    def __init__(self, terms, hits, kind=None):
        self.terms = terms
        self.counts = Counter(k for _, k in hits)
        self.ids = [pk for pk, k in hits if not kind or k == kind]

    def count(self):
        return len(self.ids)

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return load(self.terms, self.ids[index])
        return load(self.terms, [self.ids[index]])[0]


def load(terms, ids) -> list[Result]:
    """The entries `ids` in this order, with snippets, each checked once more against its app's
    publishing rule (an entry the index should not hold is dropped, and removed)."""
    if not ids:
        return []
    entries = {e.pk: e for e in SearchEntry.objects.filter(pk__in=ids)}
    snippets = _snippets(terms, ids)
    stale = set()
    by_kind = defaultdict(set)
    for entry in entries.values():
        by_kind[entry.kind].add(entry.object_id)
    for kind, object_ids in by_kind.items():
        visible = set(SOURCE_OF_KIND[kind].visible().filter(pk__in=object_ids).values_list("pk", flat=True))
        stale |= {e.pk for e in entries.values() if e.kind == kind and e.object_id not in visible}
    if stale:
        logger.warning("Search entries of items that are not public were dropped: %s", sorted(stale))
        SearchEntry.objects.filter(pk__in=stale).delete()
    results = []
    for pk in ids:
        entry = entries.get(pk)
        if entry is None or pk in stale:
            continue
        snippet = snippets.get(pk) or Truncator(entry.teaser or entry.body or "").words(30)
        results.append(Result(entry, highlighted(snippet)))
    return results


def search(text: str, kind: str | None = None) -> Results:
    """The entries matching every word of `text`, best first (only of `kind` if given)."""
    terms = terms_of(text)
    if not terms:
        return Results([], [], kind)
    sync_due()
    return Results(terms, _ranked(terms), kind)


def suggestions(terms, limit=6) -> list[str]:
    """Words of the indexed titles nearest to the words searched for (for "no results")."""
    vocabulary = set()
    for title in SearchEntry.objects.values_list("title", flat=True):
        vocabulary.update(word.lower() for word in _WORD.findall(title) if len(word) > 2)
    found = []
    for term in terms:
        found += difflib.get_close_matches(term, vocabulary - set(terms), n=3, cutoff=0.7)
    return list(dict.fromkeys(found))[:limit]
