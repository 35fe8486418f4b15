import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from programs.models import Institution, Person, PersonRole, Role
from spp_site.identifiers import normalize_orcid, orcid_checksum
from tests.conftest import files_in
from tests.core.test_images import jpeg_with_gps
from tests.programs.factories import InstitutionFactory, MembershipFactory, PersonFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def person_form(**overrides):
    data = {
        "title": "Prof. Dr.",
        "first_name": "Demo",
        "last_name": "Tester",
        "slug": "demo-tester",
        "orcid": "",
        "website": "",
        "email": "",
        "bio": "",
        "photo_alt": "",
        "role_list": [Role.COORDINATION_TEAM],
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_orcid_checksum_known_values():
    assert orcid_checksum("000000021825009") == "7"
    assert orcid_checksum("000000021694233") == "X"
    assert normalize_orcid("https://orcid.org/0000-0002-1825-0097") == "0000-0002-1825-0097"


def test_person_with_photo_roles_and_orcid_url(client, editor, media_root):
    client.force_login(editor)
    photo = SimpleUploadedFile("photo.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(
        "/admin/programs/person/add/",
        person_form(orcid="https://orcid.org/0000-0002-1825-0097", photo=photo),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get(slug="demo-tester")
    assert person.orcid == "0000-0002-1825-0097"
    assert list(person.roles.values_list("role", flat=True)) == [Role.COORDINATION_TEAM]
    with Image.open(media_root / person.photo.name) as img:
        assert not img.getexif()


def test_invalid_orcid_is_a_form_error(client, editor):
    client.force_login(editor)
    response = client.post("/admin/programs/person/add/", person_form(orcid="0000-0002-1825-0098"))
    assert response.status_code == 200
    assert "check digit does not match" in str(response.context["adminform"].form.errors["orcid"])
    assert not Person.objects.exists()


def test_non_image_named_photo_jpg_is_a_form_error_and_leaves_no_file(client, editor, media_root):
    client.force_login(editor)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 definitely not a picture", content_type="image/jpeg")
    response = client.post("/admin/programs/person/add/", person_form(photo=fake))
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors["photo"])
    assert "Upload a valid image" in errors or "not an image" in errors
    assert files_in(media_root) == []


def test_roles_are_updated_from_the_checkboxes(client, editor):
    person = PersonFactory()
    PersonRole.objects.create(person=person, role=Role.RESEARCHER)
    client.force_login(editor)
    data = person_form(slug=person.slug, first_name=person.first_name, last_name=person.last_name)
    data["role_list"] = [Role.MERCATOR_FELLOW, Role.COMMITTEE]
    response = client.post(f"/admin/programs/person/{person.pk}/change/", data)
    assert response.status_code == 302
    assert set(person.roles.values_list("role", flat=True)) == {Role.MERCATOR_FELLOW, Role.COMMITTEE}


@pytest.mark.parametrize(("field", "value"), [("latitude", "91"), ("longitude", "-181"), ("latitude", "abc")])
def test_coordinates_out_of_range_are_form_errors(client, editor, field, value):
    client.force_login(editor)
    data = {"name": "Uni X", "short_name": "X", "slug": "x", "kind": "university", "city": "X",
            "country": "Germany", "website": "", "latitude": "48.1", "longitude": "11.5", field: value}  # fmt: skip
    response = client.post("/admin/programs/institution/add/", data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Institution.objects.filter(slug="x").exists()


def test_change_lists_and_forms_open_for_every_programs_model(client, editor):
    project = ProjectFactory(institutions=[InstitutionFactory()])
    MembershipFactory(project=project)
    client.force_login(editor)
    for model in ["researchperspective", "fundingphase", "institution", "person", "project", "call"]:
        assert client.get(f"/admin/programs/{model}/").status_code == 200, model
        assert client.get(f"/admin/programs/{model}/add/").status_code == 200, model
    assert client.get(f"/admin/programs/project/{project.pk}/change/").status_code == 200


def test_autocomplete_for_people_institutions_projects(client, editor):
    PersonFactory(last_name="Kutyniok")
    client.force_login(editor)
    response = client.get(
        "/admin/autocomplete/",
        {"term": "Kuty", "app_label": "programs", "model_name": "projectmembership", "field_name": "person"},
    )
    assert response.status_code == 200
    assert "Kutyniok" in response.json()["results"][0]["text"]
