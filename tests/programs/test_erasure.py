""" "Erase personal data" for a person (GDPR): the portrait, its description, e-mail, website and
biography go from the profile, from every earlier version and from the storage; who may do it."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission

from programs.models import Person
from spp_site.models import MarkdownImage
from tests.conftest import files_in, files_of, picture, staff_member
from tests.core.factories import PageFactory
from tests.programs.factories import PersonFactory

pytestmark = pytest.mark.django_db

EVERYTHING = ["photo", "email", "website", "bio"]
PERSONAL = {
    "photo_alt": "Smiling, with round glasses",
    "email": "jane.roe@example.org",
    "website": "https://jane-roe.example.org/",
    "bio": "Jane lives in Munich with her two cats.",
}


@pytest.fixture
def jane(commit):
    """A person whose portrait was replaced once: the first one is kept for the history."""
    with commit():
        person = PersonFactory(first_name="Jane", last_name="Roe", photo=picture("red"), **PERSONAL)
        person.photo = picture("blue")
        person.save()
    return person


def erase_url(person):
    return f"/admin/programs/person/{person.pk}/erase/"


def stored_values(person):
    """Every value of the personal fields in the profile and in all its history versions."""
    fields = ["photo", *PERSONAL]
    rows = [*Person.objects.filter(pk=person.pk).values(*fields), *person.history.values(*fields)]
    return {value for row in rows for value in row.values()}


def test_confirmation_page_lists_what_goes_and_changes_nothing(client, editor, jane, media_root):
    client.force_login(editor)
    before = files_in(media_root)
    response = client.get(erase_url(jane))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Prof. Dr. Jane Roe" in html and "2 stored pictures" in html and "jane.roe@example.org" in html
    assert "2 earlier versions" in html and "Yes, erase" in html
    assert html.count('type="checkbox"') == 4 and html.count("checked") == 4
    assert files_in(media_root) == before
    assert PERSONAL["bio"] in stored_values(jane)


def test_erasing_removes_the_data_from_profile_and_history_and_deletes_the_pictures(
    client, editor, jane, media_root, commit
):
    bystander = PersonFactory(photo=picture("green"), email="someone@example.org")
    client.force_login(editor)
    with commit():
        response = client.post(erase_url(jane), {"erase": "yes", "what": EVERYTHING})
    assert response.status_code == 302 and response["Location"] == f"/admin/programs/person/{jane.pk}/change/"
    jane.refresh_from_db()
    assert (jane.first_name, jane.last_name) == ("Jane", "Roe")  # the public record stays
    assert stored_values(jane) == {""}
    assert files_in(media_root) == files_of(bystander.photo.name)
    bystander.refresh_from_db()
    assert bystander.email == "someone@example.org"
    # Who erased what is recorded, without the data.
    note = jane.history.latest().history_change_reason
    log = LogEntry.objects.get(object_id=str(jane.pk))
    assert note == "Personal data erased: photo, email, website, bio." and log.user == editor
    assert "portrait photo and its description, public e-mail" in log.get_change_message()
    for text in (note, log.get_change_message()):
        assert "Personal data erased" in text and "jane.roe" not in text and "Munich" not in text


def test_erasing_only_the_portrait_keeps_the_rest(client, editor, jane, media_root, commit):
    client.force_login(editor)
    with commit():
        client.post(erase_url(jane), {"erase": "yes", "what": ["photo"]})
    jane.refresh_from_db()
    assert not jane.photo and not jane.photo_alt and jane.email == PERSONAL["email"]
    assert not jane.history.exclude(photo="").exists() and jane.history.filter(bio=PERSONAL["bio"]).exists()
    assert files_in(media_root) == []


def test_choosing_nothing_is_refused_with_a_message(client, editor, jane):
    client.force_login(editor)
    response = client.post(erase_url(jane), {"erase": "yes"})
    assert response.status_code == 200 and "Choose what to erase." in response.content.decode()
    assert PERSONAL["email"] in stored_values(jane)


def test_a_picture_someone_else_uses_stays_and_the_editor_is_told_where(
    client, editor, jane, media_root, commit
):
    with commit():
        twin = PersonFactory(first_name="Jim", last_name="Twin", photo=picture("blue"))
    assert twin.photo.name == jane.photo.name  # the same picture, stored once
    client.force_login(editor)
    html = client.get(erase_url(jane)).content.decode()
    assert "also used elsewhere" in html and "person “Jim Twin” (photo)" in html
    with commit():
        response = client.post(erase_url(jane), {"erase": "yes", "what": EVERYTHING}, follow=True)
    assert "stays because it is used by person “Jim Twin” (photo)." in response.content.decode()
    assert files_in(media_root) == files_of(twin.photo.name)


def test_pictures_pasted_only_into_the_biography_leave_the_library_and_the_storage(
    client, editor, media_root, commit
):
    client.force_login(editor)
    pasted = [
        client.post("/admin/markdown/upload/", {"image": picture(c)}).json()["image_code"]
        for c in ["red", "green"]
    ]
    shared = MarkdownImage.objects.get(image__contains=pasted[1].split("/")[-1][:24])
    PageFactory(body=f"A page shows the second picture: {pasted[1]}")
    with commit():
        person = PersonFactory(bio=f"Me at the beach: {pasted[0]} and {pasted[1]}")
    with commit():
        client.post(erase_url(person), {"erase": "yes", "what": ["bio"]})
    assert list(MarkdownImage.objects.all()) == [shared]
    assert files_in(media_root) == files_of(shared.image.name)


def test_the_action_erases_several_people_after_confirmation(client, editor, jane, media_root, commit):
    other = PersonFactory(email="other@example.org", photo=picture("yellow"))
    client.force_login(editor)
    selected = {"action": "erase_personal_data", "_selected_action": [jane.pk, other.pk]}
    response = client.post("/admin/programs/person/", selected)
    html = response.content.decode()
    assert response.status_code == 200 and "Jane Roe" in html and "other@example.org" in html
    with commit():
        response = client.post("/admin/programs/person/", {**selected, "erase": "yes", "what": EVERYTHING})
    assert response.status_code == 302
    assert stored_values(jane) == {""} and stored_values(other) == {""}
    assert files_in(media_root) == []


def test_the_change_page_links_to_the_erasure(client, editor, jane):
    client.force_login(editor)
    html = client.get(f"/admin/programs/person/{jane.pk}/change/").content.decode()
    assert f'href="{erase_url(jane)}"' in html


def test_only_who_may_change_and_delete_people_can_erase(client, roles, jane, django_user_model):
    assert client.get(erase_url(jane)).status_code == 302  # to the login
    changer = staff_member("changer", "changer-pass-123", roles[0])
    changer.groups.clear()
    changer.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_person", "change_person"], content_type__app_label="programs"
        )
    )
    client.force_login(changer)
    assert client.get(erase_url(jane)).status_code == 403
    assert client.post(erase_url(jane), {"erase": "yes", "what": EVERYTHING}).status_code == 403
    assert "erase_personal_data" not in client.get("/admin/programs/person/").content.decode()
    html = client.get(f"/admin/programs/person/{jane.pk}/change/").content.decode()
    assert erase_url(jane) not in html
    assert PERSONAL["email"] in stored_values(jane)
