"""Signing in to the admin through its form, as a browser does (django-axes counts these; the test
client's force_login does not go through authentication at all)."""

LIMIT = 5  # failed sign-ins before a lock-out: the default of DJANGO_LOGIN_FAILURE_LIMIT


def sign_in(client, username, password, ip="10.0.0.1", next_url="/admin/", **headers):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": next_url},
        REMOTE_ADDR=ip,
        **headers,
    )


def fail(client, times, username="editor", ip="10.0.0.1"):
    """`times` wrong passwords; their status codes."""
    return [sign_in(client, username, "wrong", ip).status_code for _ in range(times)]


def signed_in(client):
    return "_auth_user_id" in client.session
