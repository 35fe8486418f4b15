"""Fast, isolated settings for the test suite (see conftest.py for the temporary MEDIA_ROOT)."""

import datetime
import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from spp_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    # Uploads in each test's temporary MEDIA_ROOT whatever the shell exports (STORAGE_S3_*); the
    # object-storage tests give themselves a bucket of their own.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The page cache on, as in production, in this process's memory (tests/conftest.py empties it
# before each test; tests that start servers give them a shared cache of their own).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PAGE_CACHE = True
# Small caps so the size checks can be exercised without large files.
SLIDES_MAX_UPLOAD_SIZE = 2 * 1024 * 1024
SPEAKER_UPLOAD_MAX_TOTAL = 3 * SLIDES_MAX_UPLOAD_SIZE
# Sign-in security at its defaults, whatever the shell exports (test_settings.py reads the variables).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
NUM_PROXIES = 0
REQUIRE_2FA = False
