"""The test suite's settings: production's (tidings.settings), with the few differences tests need,
set here explicitly (nothing in tidings.settings asks whether it runs under pytest)."""

from tidings.settings import *  # noqa: F403
from tidings.settings import STORAGES

SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"
# Hash cheaply (tests/test_accounts.py checks the production list, PRODUCTION_PASSWORD_HASHERS).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files from the source folders: there is no collected STATIC_ROOT in a test run.
WHITENOISE_USE_FINDERS = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Background tasks run at once, inside the test (the worker is tested on its own).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# SQLite: a test database in a file, not Django's shared in-memory one. The live server answers a
# page's requests on several threads at once (the page, its 跟帖 section, the read and impression
# beacons); on the shared in-memory database a write beside a read fails at once with "database
# table is locked", while a file in WAL mode with busy_timeout (as in production) lets them wait.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"test_tidings_{os.getpid()}.sqlite3")
    }
