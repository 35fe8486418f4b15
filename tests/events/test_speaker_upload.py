"""Speakers upload their own slides (issue 17, the speaker's side): the link opens a page for its
talk only, the file is checked as the admin checks files and waits for review, and the token
stays out of pages, Referers and logs."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import override

from events.models import SlideDeck, SpeakerUpload, UploadLink
from events.upload_links import SESSION_KEY, create_link, token_for
from programs.models import Person
from spp_site.logs import JsonFormatter, RedactSecretsFilter
from tests.core.test_request_bodies import post as raw_post
from tests.events.factories import AgendaItemFactory, EventFactory, make_deck, pdf_upload
from tests.events.test_hostile_files import HOSTILE_CONTAINERS
from tests.quality import nu_errors

pytestmark = pytest.mark.django_db

PAGE = "/speakers/upload/"
DONE = "/speakers/upload/done/"


def start_url(link, language=""):
    return f"{'/' + language if language else ''}/speakers/upload/{token_for(link)}/"


@pytest.fixture
def talk():
    event = EventFactory(title="Annual meeting 2026")
    item = AgendaItemFactory(event=event, title="Optimal transport for networks", room="H 1012")
    item.speakers.add(Person.objects.create(first_name="Ada", last_name="Lovelace", slug="ada-lovelace"))
    return item


@pytest.fixture
def other_talk(talk):
    item = AgendaItemFactory(event=talk.event, title="Secret other talk", room="H 2013")
    item.speakers.add(Person.objects.create(first_name="Bob", last_name="Otherspeaker", slug="bob-o"))
    return item


@pytest.fixture
def link(talk):
    return create_link(talk, name="Ada Lovelace", email="ada@example.org")


def opened(client, link, language=""):
    """`client` after following `link` (the session now holds it)."""
    response = client.get(start_url(link, language))
    assert response.status_code == 303
    return client


def upload(client, file=None, path=PAGE, **fields):
    data = {"title": "My slides", "licence": "cc-by-4.0", "note": "", **fields}
    if file is not None:
        data["file"] = file
    return client.post(path, data)


def expire(link):
    link.expires_at = timezone.now() - timedelta(minutes=1)
    link.save()


def revoke(link):
    link.revoked_at = timezone.now()
    link.save()


# --- the link and the session -------------------------------------------------------------------


def test_the_link_is_exchanged_for_the_session_and_redirects_to_an_address_without_it(client, link):
    client.get("/")  # whatever session a visitor had before is not the one that gets the link
    client.session.save()
    before = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    response = client.get(start_url(link))
    assert response.status_code == 303
    assert response["Location"] == PAGE
    assert client.session[SESSION_KEY] == link.pk
    assert client.cookies[django_settings.SESSION_COOKIE_NAME].value != getattr(before, "value", None)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert token_for(link) not in page.content.decode()


def test_the_german_link_leads_to_the_german_page(client, link):
    response = client.get(start_url(link, "de"))
    assert response.status_code == 303 and response["Location"] == "/de/speakers/upload/"
    page = client.get(response["Location"])
    assert "Ihre Folien hochladen" in page.content.decode()
    assert page["Content-Language"] == "de"


def test_an_unknown_token_is_404_and_the_page_does_not_repeat_it(client, link):
    token = token_for(link)
    wrong = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(f"/speakers/upload/{wrong}/")
    assert response.status_code == 404
    assert wrong not in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(("change", "heading"), [(expire, "has expired"), (revoke, "was withdrawn")])
def test_expired_and_revoked_links_answer_410_without_naming_the_talk(client, link, change, heading):
    change(link)
    response = client.get(start_url(link))
    assert response.status_code == 410
    content = response.content.decode()
    assert heading in content
    assert link.agenda_item.title not in content and "Lovelace" not in content
    assert token_for(link) not in content  # no canonical, hreflang or language-switch link repeats it
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("change", [expire, revoke])
def test_a_session_stops_working_once_its_link_expires_or_is_revoked(client, link, change):
    opened(client, link)
    change(link)
    assert client.get(PAGE).status_code == 410
    response = upload(client, pdf_upload())
    assert response.status_code == 410
    assert not SpeakerUpload.objects.exists()
    assert client.get(DONE).status_code == 410


def test_the_page_without_a_link_in_the_session_says_to_follow_the_link(client):
    response = client.get(PAGE)
    assert response.status_code == 403
    assert "personal link" in response.content.decode()


# --- what the page shows ------------------------------------------------------------------------


def test_the_page_shows_the_event_the_talk_and_its_speakers_only(client, link, other_talk):
    content = opened(client, link).get(PAGE).content.decode()
    for shown in ("Annual meeting 2026", "Optimal transport for networks", "H 1012", "Ada Lovelace"):
        assert shown in content
    for hidden in ("Secret other talk", "Otherspeaker", "H 2013"):
        assert hidden not in content


def test_the_times_are_in_the_events_time_zone(client, talk, link):
    talk.event.timezone = "America/New_York"
    talk.event.save()
    content = opened(client, link).get(PAGE).content.decode()
    local = timezone.localtime(talk.start, talk.event.tzinfo)
    assert f'datetime="{local.isoformat(timespec="minutes")}"' in content


def test_the_current_deck_is_shown_with_a_link_when_public(client, talk, link):
    deck = make_deck(event=talk.event, agenda_item=talk, title="Transport slides v1")
    content = opened(client, link).get(PAGE).content.decode()
    assert f'href="{deck.get_absolute_url()}"' in content
    assert deck.summary in content


def test_the_form_starts_with_the_talks_title(client, link):
    content = opened(client, link).get(PAGE).content.decode()
    assert 'value="Optimal transport for networks"' in content
    assert 'accept=".pdf,.pptx,.odp,.key"' in content


# --- uploading ----------------------------------------------------------------------------------


def test_an_upload_waits_for_review_and_the_confirmation_says_what_happens_next(client, link, commit):
    opened(client, link)
    response = upload(
        client, pdf_upload("Lovelace talk.pdf", pages=4), title="Transport, corrected", note="v2"
    )
    assert response.status_code == 303 and response["Location"] == DONE
    received = SpeakerUpload.objects.get()
    assert (received.agenda_item, received.link, received.status) == (link.agenda_item, link, "pending")
    assert (received.title, received.note, received.page_count) == ("Transport, corrected", "v2", 4)
    assert default_storage.exists(received.file.name) and received.thumbnail
    link.refresh_from_db()
    assert link.first_used_at and link.last_used_at and link.bytes_received > 0
    assert link.state == UploadLink.State.USED
    done = client.get(DONE)
    content = done.content.decode()
    assert "Lovelace talk.pdf" in content and "4" in content and received.size_text in content
    assert "reviews your file" in content
    assert token_for(link) not in content
    assert "Waiting for review" in client.get(PAGE).content.decode()


def test_uploading_again_replaces_the_pending_file_and_deletes_it(client, link, commit):
    opened(client, link)
    upload(client, pdf_upload("first.pdf", pages=2))
    first = SpeakerUpload.objects.get()
    first_file = first.file.name
    with commit():
        upload(client, pdf_upload("second.pdf", pages=3))
    first.refresh_from_db()
    assert first.status == SpeakerUpload.Status.REPLACED and not first.file
    assert not default_storage.exists(first_file)
    assert SpeakerUpload.objects.pending().get().original_filename == "second.pdf"
    content = client.get(PAGE).content.decode()
    assert "second.pdf" in content and "first.pdf" not in content


def test_a_replaced_file_that_another_upload_holds_is_kept(client, link, talk, commit):
    other = create_link(talk)
    with commit():
        opened(client, other)
        upload(client, pdf_upload("same.pdf"))
        opened(client, link)
        upload(client, pdf_upload("same.pdf"))
        upload(client, pdf_upload("else.pdf", pages=5))
    kept = SpeakerUpload.objects.get(link=other)
    assert kept.status == "pending" and default_storage.exists(kept.file.name)


def test_orphan_cleanup_keeps_a_pending_uploads_file_and_picture(client, link):
    opened(client, link)
    upload(client, pdf_upload())
    received = SpeakerUpload.objects.get()
    call_command("cleanup_media", "--min-age", "0", stdout=StringIO())
    assert default_storage.exists(received.file.name)
    assert default_storage.exists(received.thumbnail.name)


def test_a_failure_while_saving_leaves_no_file_and_no_row(link, monkeypatch, media_root):
    from events import services

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.SpeakerUpload.objects, "create", fail)
    with pytest.raises(RuntimeError):
        services.receive_speaker_upload(link, pdf_upload(), title="T", licence="cc-by-4.0")
    assert not [path for path in media_root.rglob("*") if path.is_file()]
    link.refresh_from_db()
    assert link.bytes_received == 0 and link.first_used_at is None


def test_forged_fields_cannot_send_a_file_to_another_talk(client, link, other_talk):
    other_link = create_link(other_talk)
    opened(client, link)
    upload(client, pdf_upload(), agenda_item=other_talk.pk, link=other_link.pk, deck=1, talk=other_talk.pk)
    assert SpeakerUpload.objects.get().agenda_item == link.agenda_item
    assert not SpeakerUpload.objects.filter(agenda_item=other_talk).exists()


def test_each_session_sees_only_its_own_links_talk(client, link, other_talk):
    from django.test import Client

    other_link = create_link(other_talk)
    opened(client, link)
    upload(client, pdf_upload("mine.pdf"))
    second = opened(Client(), other_link)
    content = second.get(PAGE).content.decode()
    assert "Secret other talk" in content
    assert "Optimal transport for networks" not in content and "mine.pdf" not in content
    assert second.get(DONE).status_code == 303  # nothing received through this link


@pytest.mark.parametrize("case", ["pptx-macro", "pptx-with-trailing-html", "pptx-after-pdf", "odp-macro"])
def test_hostile_files_are_refused_as_in_the_admin_and_nothing_is_lost(client, link, case):
    name, make, message = HOSTILE_CONTAINERS[case]
    opened(client, link)
    response = upload(client, SimpleUploadedFile(name, make()), title="Kept title", note="Kept note")
    assert response.status_code == 200
    content = response.content.decode()
    assert message.replace("(", "").split()[0] in content
    assert 'value="Kept title"' in content and "Kept note" in content
    assert not SpeakerUpload.objects.exists()
    link.refresh_from_db()
    assert link.bytes_received == 0 and link.first_used_at is None


def test_a_file_whose_content_is_not_its_type_is_refused(client, link):
    opened(client, link)
    response = upload(client, SimpleUploadedFile("talk.pdf", b"MZ\x90\x00 not a pdf at all"))
    assert "not a PDF" in response.content.decode() or "PDF" in response.content.decode()
    assert response.status_code == 200 and not SpeakerUpload.objects.exists()


def test_a_missing_file_is_a_form_error(client, link):
    response = upload(opened(client, link))
    assert "Choose the slide file to upload." in response.content.decode()


def test_a_link_receives_at_most_its_total(client, link, settings):
    settings.SPEAKER_UPLOAD_MAX_TOTAL = 10_000
    link.bytes_received = 9_000
    link.save()
    opened(client, link)
    response = upload(client, pdf_upload())
    assert response.status_code == 200
    assert "has received as much as it may" in response.content.decode()
    assert not SpeakerUpload.objects.exists()


# --- abuse --------------------------------------------------------------------------------------


@pytest.fixture
def ten_minutes_into_an_hour(monkeypatch):
    """The rate limit's clock stopped ten minutes into its hour-long window: no window ends
    between a test's uploads, and the wait is known."""
    from spp_site import ratelimit

    now = 1_800_000_000 // 3600 * 3600 + 600.0
    monkeypatch.setattr(ratelimit.time, "time", lambda: now)


def test_uploads_per_link_are_limited_with_429_and_retry_after(
    client, link, settings, ten_minutes_into_an_hour
):
    settings.SPEAKER_UPLOADS_PER_HOUR = 2
    opened(client, link)
    assert upload(client).status_code == 200  # form errors, but counted: each upload costs a check
    assert upload(client).status_code == 200
    response = upload(client, pdf_upload())
    assert response.status_code == 429
    assert response["Retry-After"] == "3000"
    assert "Too many uploads" in response.content.decode() and "in 50 minutes" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert not SpeakerUpload.objects.exists()


def test_uploads_per_address_are_limited_across_links(
    client, link, other_talk, settings, ten_minutes_into_an_hour
):
    from django.test import Client

    settings.SPEAKER_UPLOADS_PER_HOUR = 2
    opened(client, link)
    upload(client)
    upload(client)
    other = opened(Client(), create_link(other_talk))
    assert upload(other).status_code == 429  # same address (the test client's 127.0.0.1)
    third = opened(Client(REMOTE_ADDR="192.0.2.7"), create_link(other_talk))
    assert upload(third).status_code == 200


def session_cookie_of(client):
    return (
        f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"
    )


def test_the_body_guard_reads_a_large_upload_only_from_a_session_with_a_usable_link(client, link, settings):
    settings.SLIDES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
    three_mb = 3 * 1024 * 1024
    assert raw_post(PAGE, length=three_mb).status_code == 413  # no session
    opened(client, link)
    cookie = session_cookie_of(client)
    with pytest.raises(AssertionError, match="the body was read"):
        raw_post(PAGE, length=three_mb, cookies=[cookie])
    with pytest.raises(AssertionError, match="the body was read"):
        raw_post("/de" + PAGE, length=three_mb, cookies=[cookie])
    too_large = raw_post(PAGE, length=6 * 1024 * 1024, cookies=[cookie])
    assert too_large.status_code == 413 and "5.0" in too_large.content.decode()
    assert raw_post(DONE, length=three_mb, cookies=[cookie]).status_code == 413  # only the form's page
    revoke(link)
    assert raw_post(PAGE, length=three_mb, cookies=[cookie]).status_code == 413


def test_a_three_megabyte_pdf_arrives(client, link, settings):
    from tests.events.test_uploads import pdf_with_a_large_picture

    settings.SLIDES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
    content = pdf_with_a_large_picture(3)
    assert len(content) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    opened(client, link)
    response = upload(client, SimpleUploadedFile("big.pdf", content))
    assert response.status_code == 303
    assert SpeakerUpload.objects.get().original_filename == "big.pdf"


def test_the_form_needs_its_csrf_token(client, link):
    client.handler.enforce_csrf_checks = True
    opened(client, link)
    assert upload(client, pdf_upload()).status_code == 403
    page = client.get(PAGE)
    token = page.context["csrf_token"]
    response = client.post(
        PAGE,
        {"file": pdf_upload(), "title": "T", "licence": "cc-by-4.0", "csrfmiddlewaretoken": str(token)},
    )
    assert response.status_code == 303


@pytest.mark.parametrize("language", ["", "de"])
def test_every_answer_is_private_unindexed_and_sends_no_referrer(client, link, talk, language):
    prefix = f"/{language}" if language else ""
    expired = create_link(talk)
    expire(expired)
    answers = {
        "start": client.get(start_url(link, language)),
        "unknown": client.get(f"{prefix}/speakers/upload/{'x' * 43}/"),
        "expired": client.get(start_url(expired, language)),
    }
    answers["done, nothing sent"] = client.get(prefix + DONE)
    upload(client, pdf_upload(), path=prefix + PAGE)
    answers["done"] = client.get(prefix + DONE)
    answers["refused"] = client.__class__().get(prefix + PAGE)
    for name, response in answers.items():
        assert response["Cache-Control"] == "private, no-store", name
        assert response["X-Robots-Tag"] == "noindex", name
        assert response["Referrer-Policy"] == "no-referrer", name
    page = client.get(prefix + PAGE)
    assert page["Cache-Control"] == "private, no-store" and page["X-Robots-Tag"] == "noindex"
    # The form's page: same-origin (its address holds no token), so that browsers send the form's
    # Origin, which the CSRF check needs (under no-referrer they send "Origin: null").
    assert page["Referrer-Policy"] == "same-origin"
    for response in [*answers.values(), page]:
        assert token_for(link).encode() not in response.content
        assert token_for(link) not in response.get("Location", "")


def test_the_page_cache_never_stores_a_speakers_page(client, link, settings):
    settings.PAGE_CACHE = True
    for _ in range(2):
        response = client.__class__().get(start_url(link))
        assert response.status_code == 303 and response.get("X-Page-Cache") != "hit"
    gone = create_link(link.agenda_item)
    revoke(gone)
    for _ in range(2):
        assert client.__class__().get(start_url(gone)).get("X-Page-Cache") != "hit"


def test_the_token_is_in_no_log_line(client, link, talk, caplog):
    expired = create_link(talk)
    expire(expired)
    tokens = [token_for(link), token_for(expired), "u" * 43]
    caplog.set_level(logging.DEBUG)
    for name in ("django.request", "django.security.csrf", "spp_site.requests"):
        caplog.set_level(logging.DEBUG, logger=name)
    for language in ("", "/de"):
        for token in tokens:
            client.get(f"{language}/speakers/upload/{token}/")
    enforcing = client.__class__(enforce_csrf_checks=True)
    enforcing.get(start_url(link))
    enforcing.post(f"/speakers/upload/{tokens[0]}/", {})  # a CSRF failure is logged with its path
    lines = [JsonFormatter().format(record) for record in caplog.records]
    lines += [record.getMessage() for record in caplog.records]
    assert any("/speakers/upload/[redacted]/" in line for line in lines)  # the lines are there
    assert any("Gone" in line or " 410" in line for line in lines)
    for token in tokens:
        assert not any(token in line for line in lines)


def test_the_handlers_redact_any_record_that_names_a_link():
    token = "t" * 43
    record = logging.LogRecord(
        "spp_site.pagecache",
        logging.WARNING,
        __file__,
        1,
        "Cache down: %s",
        (f"/de/speakers/upload/{token}/",),
        None,
    )
    assert RedactSecretsFilter().filter(record)
    assert token not in record.getMessage() and "/de/speakers/upload/[redacted]/" in record.getMessage()
    done = logging.LogRecord("x", logging.INFO, __file__, 1, "GET /speakers/upload/done/ 200", (), None)
    RedactSecretsFilter().filter(done)
    assert done.getMessage() == "GET /speakers/upload/done/ 200"
    from spp_site import settings as production  # the tests' LOGGING is empty

    for name in ("console", "mail_admins"):
        assert "redact_secrets" in production.LOGGING["handlers"][name]["filters"], name


# --- nothing public before approval -------------------------------------------------------------


def test_a_pending_upload_is_nowhere_on_the_site(client, link, talk):
    from django.test import Client

    opened(client, link)
    upload(client, pdf_upload("Pending secret.pdf", title="Zanzibar"), title="Pending secret title")
    received = SpeakerUpload.objects.get()
    visitor = Client()
    for url in (talk.event.get_absolute_url(), "/events/", "/search/?q=Pending", "/search/?q=Zanzibar"):
        response = visitor.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "Pending secret" not in content and "Zanzibar</" not in content, url
    assert visitor.get(f"/media/{received.file.name}").status_code == 404
    assert not SlideDeck.objects.exists()


# --- quality ------------------------------------------------------------------------------------


def test_the_speakers_pages_are_valid_html(client, link, talk, tmp_path):
    make_deck(event=talk.event, agenda_item=talk, title="Transport slides v1")
    opened(client, link)
    documents = {"page": client.get(PAGE).content.decode()}
    documents["page with errors"] = upload(client, SimpleUploadedFile("x.pdf", b"nope")).content.decode()
    upload(client, pdf_upload())
    documents["done"] = client.get(DONE).content.decode()
    documents["page with pending (German)"] = client.get("/de" + PAGE).content.decode()
    documents["done (German)"] = client.get("/de" + DONE).content.decode()
    revoke(link)
    documents["gone"] = client.get(start_url(link)).content.decode()
    with override("de"):
        documents["gone (German)"] = client.get(start_url(link, "de")).content.decode()
    assert nu_errors(documents, tmp_path) == []
