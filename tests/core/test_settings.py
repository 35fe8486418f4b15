import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.pop("DATABASE_URL", None)
    base["DJANGO_SETTINGS_MODULE"] = "spp_site.settings"
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_check(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both():
    result = run_check(DJANGO_DEBUG="off", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr


def test_unreadable_boolean_is_an_error_not_a_guess():
    result = run_check(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_zero_config_defaults(settings):
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.USE_TZ is True
    assert settings.DEFAULT_AUTO_FIELD == "django.db.models.BigAutoField"


SIGN_IN_SETTINGS = ["AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "REQUIRE_2FA"]


def sign_in_settings(**env):
    """The sign-in security settings as spp_site.settings reads them from `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.pop("DATABASE_URL", None)
    code = (
        "import django; from django.conf import settings; django.setup(); "
        f"print([str(getattr(settings, name)) for name in {SIGN_IN_SETTINGS!r}])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "spp_site.settings", **env},
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1] if result.returncode == 0 else result.stderr


def test_sign_in_security_defaults():
    assert sign_in_settings() == str(["5", "0:15:00", "False"])


def test_sign_in_security_from_the_environment():
    assert sign_in_settings(
        DJANGO_LOGIN_FAILURE_LIMIT="3",
        DJANGO_LOGIN_COOLOFF_MINUTES="60",
        DJANGO_REQUIRE_2FA="1",
    ) == str(["3", "1:00:00", "True"])


def test_a_failure_limit_below_one_is_refused():
    assert "DJANGO_LOGIN_FAILURE_LIMIT must be at least 1" in sign_in_settings(DJANGO_LOGIN_FAILURE_LIMIT="0")
