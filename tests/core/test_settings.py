import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Long and varied enough for the deployment check (W009); for tests only.
TEST_KEY = "tests-only-Qm3vX2nL9pR7tY4wE6uI1oK5jH0gF3dS8aZ2xC4vB6nM9"


def clean_env(**env):
    """This process's environment without the site's variables, plus `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "STORAGE_S3_"))}
    for name in ("DATABASE_URL", "REDIS_URL", "CACHE_DIR", "CACHE_KEY_PREFIX"):
        base.pop(name, None)
    base["DJANGO_SETTINGS_MODULE"] = "spp_site.settings"
    return {**base, **env}


def production_env(**env):
    """Production settings as documented: DEBUG off, a key and a host, everything else default."""
    return clean_env(
        **{"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": TEST_KEY, "DJANGO_ALLOWED_HOSTS": "example.org", **env}
    )


def run_check(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_check(env=clean_env(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="example.org"))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check(env=clean_env(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50))
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both():
    result = run_check(
        env=clean_env(DJANGO_DEBUG="off", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="example.org")
    )
    assert result.returncode == 0, result.stderr


def test_unreadable_boolean_is_an_error_not_a_guess():
    result = run_check(env=clean_env(DJANGO_DEBUG="maybe"))
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_deployment_checks_pass_in_production():
    result = run_check("--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_deployment_checks_report_a_disabled_https_redirect():
    """`make serve` has no TLS and turns the redirect off; production leaves it on (W008)."""
    result = run_check(
        "--deploy", "--fail-level", "WARNING", env=production_env(DJANGO_SECURE_SSL_REDIRECT="0")
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr
    assert result.stderr.count("(security.") == 1


def test_zero_config_defaults(settings):
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.USE_TZ is True
    assert settings.DEFAULT_AUTO_FIELD == "django.db.models.BigAutoField"


SIGN_IN_SETTINGS = ["AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "REQUIRE_2FA"]


def sign_in_settings(**env):
    """The sign-in security settings as spp_site.settings reads them from `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "STORAGE_S3_"))}
    for name in ("DATABASE_URL", "REDIS_URL", "CACHE_DIR", "CACHE_KEY_PREFIX"):
        base.pop(name, None)
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
