"""Inviting an editor, and the role on the user form (spp_site/invitations.py)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from spp_site.roles import EDITOR, SITE_ADMINISTRATOR

INVITE = "/admin/auth/user/invite/"


def invite(client, **data):
    return client.post(
        INVITE, {"name": "Anna Schmidt", "email": "anna@example.org", "language": "en", **data}
    )


def link_in(message):
    return re.search(r"https?://[^/\s]+(/admin/password/set/\S+/)", message.body).group(1)


def test_site_administrator_invites_an_editor_who_sets_a_password(client, site_admin):
    client.force_login(site_admin)
    assert client.get("/admin/auth/user/").content.decode().count(INVITE) == 1
    response = invite(client)
    user = get_user_model().objects.get(email="anna@example.org")
    assert response.status_code == 302 and response["Location"] == f"/admin/auth/user/{user.pk}/change/"
    assert user.username == "anna@example.org" and (user.first_name, user.last_name) == ("Anna", "Schmidt")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [EDITOR]
    assert not user.user_permissions.exists()
    assert user.editor_profile.language == "en"

    (message,) = mail.outbox
    assert message.to == ["anna@example.org"]
    assert "editor account" in message.subject and "Hello Anna Schmidt," in message.body

    client.logout()
    form_page = client.get(link_in(message), follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"}
    )
    assert done.status_code == 302 and done["Location"] == "/admin/password/set/done/"
    assert 'href="/admin/login/"' in client.get(done["Location"]).content.decode()
    user.refresh_from_db()
    assert user.check_password("a-long-new-pass-42")
    # The link works once.
    assert not client.get(link_in(message), follow=True).context["validlink"]
    signed_in = client.post(
        "/admin/login/", {"username": "anna@example.org", "password": "a-long-new-pass-42"}, follow=True
    )
    assert signed_in.context["user"] == user
    assert client.get("/admin/events/event/").status_code == 200


def test_invitation_is_written_in_the_chosen_language(client, site_admin):
    client.force_login(site_admin)
    invite(client, language="de")
    (message,) = mail.outbox
    assert message.subject == "Ihr Redaktionszugang für die Website des SPP 2298"
    assert "Hallo Anna Schmidt," in message.body
    assert get_user_model().objects.get(email="anna@example.org").editor_profile.language == "de"


def test_a_second_invitation_to_the_same_address_is_refused(client, site_admin):
    get_user_model().objects.create_user("anna", "Anna@Example.org", "pw-1234567")
    client.force_login(site_admin)
    response = invite(client)
    assert response.status_code == 200
    assert "There is already an account with this e-mail address" in response.content.decode()
    assert get_user_model().objects.filter(email__iexact="anna@example.org").count() == 1
    assert not mail.outbox


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_editor_cannot_invite(client, editor, method):
    client.force_login(editor)
    response = getattr(client, method)(INVITE, {"name": "X Y", "email": "x@example.org", "language": "en"})
    assert response.status_code == 403
    assert not get_user_model().objects.filter(email="x@example.org").exists() and not mail.outbox


def test_a_wrong_link_says_so(client, db):
    response = client.get("/admin/password/set/MQ/not-a-token/")
    assert response.status_code == 200 and not response.context["validlink"]


def test_the_user_form_shows_the_role_not_the_permissions(client, site_admin, roles):
    other = get_user_model().objects.create_user("bob", "bob@example.org", "pw-1234567", is_staff=True)
    other.groups.add(roles[0])
    client.force_login(site_admin)
    url = f"/admin/auth/user/{other.pk}/change/"
    page = client.get(url)
    html = page.content.decode()
    assert 'name="role"' in html and page.context["adminform"].form["role"].value() == "editor"
    assert 'name="user_permissions"' not in html and 'name="groups"' not in html
    assert 'name="is_superuser"' not in html  # only superusers make superusers
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name not in ("password",)}
    data.update(role="site_administrator", date_joined_0="2026-01-01", date_joined_1="10:00:00")
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data["is_staff"] = "on"
    data["is_active"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(other.groups.values_list("name", flat=True)) == [SITE_ADMINISTRATOR]


def test_superusers_see_the_superuser_flag(client, superuser):
    client.force_login(superuser)
    html = client.get(f"/admin/auth/user/{superuser.pk}/change/").content.decode()
    assert 'name="is_superuser"' in html and 'name="role"' in html
