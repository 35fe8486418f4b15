"""The editors' side of speakers' uploads in the admin: making, e-mailing, copying, revoking,
extending and exporting upload links; reviewing uploads (list, review page, download, dashboard).
All as a member of the Editor group, not a superuser."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import SlideDeck, SpeakerUpload, UploadLink
from events.upload_links import create_link, token_for
from tests.events.factories import AgendaItemFactory, EventFactory, make_deck, make_speaker_upload
from tests.forms import form_fields
from tests.programs.factories import PersonFactory
from tests.queries import queries_at_1_and_50

pytestmark = pytest.mark.django_db


def links_url(event):
    return reverse("admin:events_event_upload_links", args=[event.pk])


def start_path(link):
    return reverse("events:speaker-upload-start", kwargs={"token": token_for(link)})


@pytest.fixture
def talks():
    event = EventFactory(title="Annual meeting 2026")
    first = AgendaItemFactory(event=event, title="Optimal transport")
    first.speakers.add(
        PersonFactory(first_name="Ada", last_name="Lovelace", email="ada@example.org"),
        PersonFactory(first_name="Alan", last_name="Turing", email=""),
    )
    second = AgendaItemFactory(event=event, title="Gradient flows", guest_speakers="Grace Hopper")
    return event, first, second


def create(client, event, talks, **fields):
    page = client.get(links_url(event)).content.decode()
    data = form_fields(page, "create-links")
    data.update({"talks": [str(talk.pk) for talk in talks], "create": "1", **fields})
    return client.post(links_url(event), data)


def test_the_event_page_has_a_button_to_the_links_page(client, editor, talks):
    event = talks[0]
    client.force_login(editor)
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert links_url(event) in page
    response = client.get(links_url(event))
    assert response.status_code == 200
    assert "Optimal transport" in response.content.decode() and "ada@example.org" in response.content.decode()


def test_staff_without_the_permissions_may_not_open_the_links_page(client, talks, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", "clerk@example.org", "pw", is_staff=True)
    client.force_login(clerk)
    assert client.get(links_url(talks[0])).status_code == 403


def test_links_per_speaker_are_made_and_emailed_with_the_message(client, editor, talks):
    event, first, second = talks
    client.force_login(editor)
    response = create(client, event, [first, second], per="speaker", send="on")
    assert response.status_code == 302
    links = list(UploadLink.objects.order_by("pk"))
    assert [(link.agenda_item, link.recipient, link.email) for link in links] == [
        (first, "Ada Lovelace", "ada@example.org"),
        (first, "Alan Turing", ""),
        (second, "Grace Hopper", ""),  # no speaker from the directory: one link for the talk
    ]
    assert all(link.created_by == editor for link in links)
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert (
        "Dear Ada Lovelace" in message.body and "“Optimal transport” at Annual meeting 2026" in message.body
    )
    assert f"http://testserver{start_path(links[0])}" in message.body
    links[0].refresh_from_db()
    assert links[0].emailed_at is not None and links[1].emailed_at is None
    page = client.get(links_url(event)).content.decode()
    assert "2 links have no e-mail address" in page
    for link in links:
        assert f'value="http://testserver{start_path(link)}"' in page  # copyable without JavaScript


def test_one_link_per_talk_and_no_second_valid_link_for_the_same_recipient(client, editor, talks):
    event, first, _second = talks
    client.force_login(editor)
    create(client, event, [first], per="talk")
    (link,) = UploadLink.objects.all()
    assert link.speaker is None and link.name == "Ada Lovelace, Alan Turing"
    create(client, event, [first], per="talk")
    assert UploadLink.objects.count() == 1
    link.revoked_at = timezone.now()
    link.save()
    create(client, event, [first], per="talk")
    assert UploadLink.objects.count() == 2


def test_the_expiry_defaults_to_thirty_days_after_the_event_and_can_be_chosen(client, editor, talks):
    event, first, _ = talks
    client.force_login(editor)
    page = client.get(links_url(event)).content.decode()
    default = timezone.localtime(event.end + timedelta(days=30), event.tzinfo).date()
    assert form_fields(page, "create-links")["expires_on"] == [default.isoformat()]
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    create(client, event, [first], per="talk", expires_on=day)
    link = UploadLink.objects.get()
    assert timezone.localtime(link.expires_at, event.tzinfo).date().isoformat() > day  # through that day
    response = create(client, event, [first], per="speaker", expires_on="2000-01-01")
    assert response.status_code == 200 and "not over yet" in response.content.decode()


def test_a_message_without_the_link_is_refused(client, editor, talks):
    event, first, _ = talks
    client.force_login(editor)
    response = create(client, event, [first], send="on", message="Hello {name}")
    assert response.status_code == 200 and UploadLink.objects.count() == 0


def test_revoking_asks_first(client, editor, talks):
    event, first, _ = talks
    link = create_link(first, name="Ada")
    client.force_login(editor)
    response = client.post(links_url(event), {"link": link.pk, "action": "revoke"})
    assert response.status_code == 200 and "Yes, revoke the link" in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is None
    client.post(links_url(event), {"link": link.pk, "action": "revoke-confirmed"})
    link.refresh_from_db()
    assert link.state == UploadLink.State.REVOKED
    page = client.get(links_url(event)).content.decode()
    assert start_path(link) not in page and "Revoked" in page


def test_extending_an_expired_link_makes_it_usable_again(client, editor, talks):
    event, first, _ = talks
    link = create_link(first, name="Ada", expires_at=timezone.now() - timedelta(days=1))
    client.force_login(editor)
    day = (timezone.localdate() + timedelta(days=7)).isoformat()
    client.post(links_url(event), {"link": link.pk, "action": "extend", "expires_on": day})
    link.refresh_from_db()
    assert link.is_usable


def test_emailing_again_shows_the_editable_message_then_sends_it(client, editor, talks):
    event, first, _ = talks
    link = create_link(first, name="Ada", email="ada@example.org")
    client.force_login(editor)
    response = client.post(links_url(event), {"link": link.pk, "action": "email"})
    data = form_fields(response.content.decode(), "link-email-form")
    data["message"] = ["Hello {name}, here again: {link}"]
    data["action"] = "email-send"
    client.post(links_url(event), data)
    (message,) = mail.outbox
    assert message.body == f"Hello Ada, here again: http://testserver{start_path(link)}"


def test_a_link_of_another_event_cannot_be_touched_from_this_page(client, editor, talks):
    other = create_link(AgendaItemFactory())
    client.force_login(editor)
    response = client.post(links_url(talks[0]), {"link": other.pk, "action": "revoke-confirmed"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_the_links_page_costs_the_same_queries_at_1_and_50_talks(client, editor):
    event = EventFactory()
    client.force_login(editor)

    def add_row(i):
        talk = AgendaItemFactory(event=event)
        talk.speakers.add(PersonFactory(email=f"p{i}@example.org"))
        create_link(talk, name=f"Speaker {i}")

    _, one, fifty = queries_at_1_and_50(client, links_url(event), add_row)
    assert one == fifty


def test_the_csv_export_lists_every_link_for_a_mail_merge_without_formulas(client, editor, talks):
    event, first, second = talks
    usable = create_link(first, name='=HYPERLINK("http://evil")', email="ada@example.org")
    revoked = create_link(second, name="Grace Hopper")
    revoked.revoked_at = timezone.now()
    revoked.save()
    client.force_login(editor)
    response = client.get(reverse("admin:events_event_upload_links_csv", args=[event.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Event", "Talk", "Start", "Recipient", "E-mail", "Link", "Valid until", "State"]
    assert rows[1][:2] == ["Annual meeting 2026", "Optimal transport"]
    assert rows[1][3] == '\'=HYPERLINK("http://evil")'
    assert rows[1][5] == f"http://testserver{start_path(usable)}" and rows[1][7] == "Unused"
    assert rows[2][5] == "" and rows[2][7] == "Revoked"


def test_the_link_list_filters_by_state_and_never_shows_the_token_hash(client, editor, talks):
    event, first, second = talks
    kept = create_link(first, name="Kept")
    gone = create_link(second, name="Gone")
    gone.revoked_at = timezone.now()
    gone.save()
    client.force_login(editor)
    listing = client.get(reverse("admin:events_uploadlink_changelist") + "?state=revoked").content.decode()
    assert "Gone" in listing and "Kept" not in listing
    page = client.get(reverse("admin:events_uploadlink_change", args=[kept.pk])).content.decode()
    assert kept.token_hash not in page and kept.nonce not in page
    assert client.get(reverse("admin:events_uploadlink_add")).status_code == 403


# --- reviewing uploads -------------------------------------------------------------------------


def test_the_upload_list_shows_those_waiting_for_review_by_default(client, editor):
    waiting = make_speaker_upload(title="Waiting slides")
    make_speaker_upload(title="Rejected slides", status=SpeakerUpload.Status.REJECTED)
    client.force_login(editor)
    listing = client.get(reverse("admin:events_speakerupload_changelist")).content.decode()
    assert "Waiting slides" in listing and "Rejected slides" not in listing
    everything = client.get(reverse("admin:events_speakerupload_changelist") + "?status=all").content.decode()
    assert "Rejected slides" in everything
    assert waiting.pk


def test_the_review_page_shows_the_note_the_first_page_and_a_staff_only_download(client, editor):
    upload = make_speaker_upload(note="Slide 12 has a video; please keep it out.")
    client.force_login(editor)
    page = client.get(reverse("admin:events_speakerupload_change", args=[upload.pk])).content.decode()
    assert "Slide 12 has a video" in page and "Ada Lovelace (link #" in page
    assert 'class="admin-thumb"' in page
    download = reverse("admin:events_speakerupload_download", args=[upload.pk])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.logout()
    assert client.get(download).status_code == 302  # to the sign-in page


def test_approving_on_the_review_page_publishes_the_slides_on_the_talk(client, editor):
    upload = make_speaker_upload()
    client.force_login(editor)
    response = client.post(
        reverse("admin:events_speakerupload_change", args=[upload.pk]), {"action": "approve"}
    )
    assert response.status_code == 302
    deck = SlideDeck.objects.get()
    assert deck.agenda_item == upload.agenda_item
    assert client.get(deck.get_absolute_url()).status_code == 200


def test_rejecting_with_a_message_on_the_review_page_mails_the_speaker(client, editor):
    upload = make_speaker_upload()
    client.force_login(editor)
    client.post(
        reverse("admin:events_speakerupload_change", args=[upload.pk]),
        {"action": "reject", "message": "Please remove the videos."},
    )
    upload.refresh_from_db()
    assert upload.status == SpeakerUpload.Status.REJECTED
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert not SlideDeck.objects.exists()


def test_the_dashboard_lists_waiting_uploads_and_approves_one(client, editor):
    talk = AgendaItemFactory()
    deck = make_deck(event=talk.event, agenda_item=talk)
    upload = make_speaker_upload(talk=talk, note="Corrected typo on slide 3")
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Slides sent by speakers" in page and "Corrected typo on slide 3" in page
    response = client.post(
        reverse("admin:events_speakerupload_change", args=[upload.pk]),
        {"action": "approve", "next": "dashboard"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    deck.refresh_from_db()
    assert deck.file.name == upload.file.name and deck.versions.count() == 1
    assert "Corrected typo on slide 3" not in client.get(reverse("admin:index")).content.decode()


def test_the_editors_pages_for_speaker_uploads_are_valid_html(client, editor, talks, tmp_path):
    from tests.quality import nu_errors

    event, first, _ = talks
    link = create_link(first, name="Ada", email="ada@example.org")
    upload = make_speaker_upload(link, note="A note")
    client.force_login(editor)
    documents = {
        "links page": client.get(links_url(event)).content.decode(),
        "links page with errors": create(client, event, [], per="nobody").content.decode(),
        "e-mail a link": client.post(links_url(event), {"link": link.pk, "action": "email"}).content.decode(),
        "revoke a link": client.post(
            links_url(event), {"link": link.pk, "action": "revoke"}
        ).content.decode(),
        "review": client.get(reverse("admin:events_speakerupload_change", args=[upload.pk])).content.decode(),
        "upload list": client.get(reverse("admin:events_speakerupload_changelist")).content.decode(),
        "link list": client.get(reverse("admin:events_uploadlink_changelist")).content.decode(),
        "dashboard": client.get(reverse("admin:index")).content.decode(),
    }
    assert nu_errors(documents, tmp_path) == []


def test_each_agenda_item_links_to_its_row_on_the_links_page_chosen(client, editor, talks):
    event, first, _ = talks
    client.force_login(editor)
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    row_url = f"{links_url(event)}?talk={first.pk}#talk-{first.pk}"
    assert row_url in page
    assert (
        f'value="{first.pk}" id="choose-talk-{first.pk}" form="create-links" checked'
        in client.get(row_url.split("#")[0]).content.decode()
    )


def test_a_mail_server_that_refuses_is_reported_not_a_server_error(client, editor, talks, monkeypatch):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    event, first, _ = talks
    client.force_login(editor)
    response = create(client, event, [first], per="speaker", send="on")
    assert response.status_code == 302
    page = client.get(links_url(event)).content.decode()
    assert "could not be sent" in page
    assert UploadLink.objects.get(email="ada@example.org").emailed_at is None
