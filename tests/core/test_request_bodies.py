"""Request bodies nobody should read are refused before Django reads them (at the WSGI level: the
body is a stream that records being read)."""

import io
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test.client import ClientHandler

from spp_site.middleware import SESSION_ENDED, TOO_LARGE
from tests.signin import sign_in, signed_in

pytestmark = pytest.mark.django_db

HUGE = 300 * 1024 * 1024
CSRF_COOKIE = "csrftoken=" + "a" * 32  # any value gets a request past the missing-cookie check


class UnreadableBody(io.RawIOBase):
    """A body that fails when read, and remembers that it was."""

    was_read = False

    def read(self, *args):
        self.was_read = True
        raise OSError("the request body was read")

    readline = readinto = read


def post(path, *, length=HUGE, cookies=(), **headers):
    """POST `length` bytes of a multipart upload that never arrive, through the whole middleware
    stack with CSRF checks on, as a WSGI server would call the site. The response is returned only
    if the body was not read."""
    body = UnreadableBody()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        "CONTENT_LENGTH": str(length),
        "HTTP_COOKIE": "; ".join([CSRF_COOKIE, *cookies]),
        "wsgi.input": body,
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    response = ClientHandler(enforce_csrf_checks=True)(environ)
    assert not body.was_read, f"the body was read (answer: {response.status_code})"
    return response


def session_cookie(client, user):
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_anonymous_image_upload_is_refused_unread_with_a_message_for_the_editor():
    response = post("/admin/markdown/upload/", X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 403
    assert json.loads(response.content) == {"error": SESSION_ENDED}


def test_anonymous_post_to_any_admin_page_gets_the_login_page_unread():
    response = post("/admin/news/newsitem/add/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/news/newsitem/add/"


def test_an_unknown_session_counts_as_anonymous():
    response = post("/admin/markdown/upload/", cookies=[f"{settings.SESSION_COOKIE_NAME}=nosuchsession"])
    assert response.status_code == 302


def test_signed_in_visitors_who_are_not_staff_are_refused_too(client):
    user = get_user_model().objects.create_user("visitor", password="visitor-pass-123")
    response = post("/admin/markdown/upload/", cookies=[session_cookie(client, user)])
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/admin/login/", "/", "/news/", "/no-such-page/"])
def test_large_anonymous_bodies_are_refused_unread_everywhere(path):
    response = post(path)
    assert response.status_code == 413
    assert response.content.decode() == TOO_LARGE


def test_staff_uploads_are_read(client, editor):
    """The guard lets editors through: their body is read (and here, the stream says so)."""
    with pytest.raises(AssertionError, match="the body was read"):
        post("/admin/markdown/upload/", cookies=[session_cookie(client, editor)])


def test_anonymous_small_posts_outside_the_admin_reach_csrf_and_the_views(client):
    assert client.post("/", {"x": "1"}).status_code == 405
    client.handler.enforce_csrf_checks = True
    assert client.post("/", {"x": "1"}).status_code == 403  # no CSRF cookie


def test_signing_in_still_works(client, editor):
    response = sign_in(client, "editor", "editor-pass-123")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)


def test_the_code_step_of_signing_in_takes_a_form_from_someone_not_signed_in(client):
    """Its own view answers (no password step in this session: back to it), not the guard (which
    would send the login page with ?next=/admin/login/code/)."""
    response = client.post("/admin/login/code/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == "/admin/login/"
