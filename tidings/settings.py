"""Tidings settings, read from environment variables (see README "Configuration").

Zero configuration gives a working development site (SQLite in ./var). With
TIDINGS_DEBUG off the site refuses to start without a real secret key and hosts.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int, minimum: int | None = 0) -> int:
    """An integer variable; a value that is not a whole number (or below `minimum`) stops the
    start with a message naming the variable, instead of a bare ValueError from int()."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number (e.g. {name}={default}).") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def database_from_url(url: str, data_dir: Path) -> dict[str, object]:
    """Turn DATABASE_URL into a Django DATABASES entry (sqlite:/// or postgresql://)."""
    if not url:
        return sqlite_database(data_dir / "tidings.sqlite3")
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:////abs/path.db is absolute, sqlite:///rel/path.db is relative (as dj-database-url).
        path = unquote(parsed.netloc + parsed.path)
        if path.startswith("/"):
            path = path[1:]
        if not path:
            raise ImproperlyConfigured(
                "DATABASE_URL sqlite:/// needs a file path, e.g. sqlite:////srv/tidings/db.sqlite3"
            )
        return sqlite_database(Path(path))
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "tidings",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(options.pop("conn_max_age", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
            "TEST": {"NAME": options.pop("test_name", None) or f"test_{parsed.path.lstrip('/') or 'tidings'}"},
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parsed.scheme!r} is not supported: use sqlite:///path/to/db.sqlite3 "
        "or postgresql://user:password@host:5432/name."
    )


# How long a SQLite connection waits for another's write lock before "database is locked" (the
# worker and the importers then retry the whole transaction: tidings.lib.retry).
SQLITE_BUSY_MS = int(os.environ.get("TIDINGS_SQLITE_BUSY_MS", "5000"))


def sqlite_database(path: Path) -> dict[str, object]:
    # SQLite creates the file, not its folder: a fresh data dir (TIDINGS_DATA_DIR) must exist.
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # WAL lets readers (gunicorn workers) run while the worker/importer writes;
            # IMMEDIATE transactions avoid "database is locked" upgrade deadlocks.
            "init_command": (
                f"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={SQLITE_BUSY_MS}; "
                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-20000; PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
        # Keep the connection across requests: opening it and running the PRAGMAs above on
        # every request costs more CPU than most pages' queries.
        "CONN_MAX_AGE": None,
        "TEST": {"NAME": None},
    }


DEBUG = env_bool("TIDINGS_DEBUG", False)
# Behind HTTPS (a reverse proxy): secure cookies, HSTS, trust X-Forwarded-Proto.
HTTPS = env_bool("TIDINGS_HTTPS", False)
# Trusted reverse proxies in front of the app (1 behind the nginx of docs/operations.md): the
# client address for throttles is then taken from X-Forwarded-For (tidings.lib.client).
PROXY_COUNT = env_int("TIDINGS_PROXY_COUNT", 0)
# New visitor ids (the read/like/share dedupe cookie) one client address may get per hour.
NEW_VISITORS_PER_HOUR = env_int("TIDINGS_NEW_VISITORS_PER_HOUR", 20)

DATA_DIR = Path(env_str("TIDINGS_DATA_DIR", str(BASE_DIR / "var"))).resolve()
MEDIA_ROOT = DATA_DIR / "media"
STATIC_ROOT = DATA_DIR / "static"
# Images decoded at once per process (tidings.lib.images), and how long an upload waits for a
# free slot before it is answered 503; unused uploads are deleted after the grace period.
IMAGE_CONCURRENCY = env_int("TIDINGS_IMAGE_CONCURRENCY", 2)
IMAGE_WAIT_SECONDS = float(env_str("TIDINGS_IMAGE_WAIT_SECONDS", "15"))
MEDIA_GRACE_HOURS = float(env_str("TIDINGS_MEDIA_GRACE_HOURS", "24"))


def secret_key(data_dir: Path) -> str:
    """TIDINGS_SECRET_KEY, else a random key kept in <data dir>/secret_key (made on first start)."""
    configured = env_str("TIDINGS_SECRET_KEY", "")
    if configured:
        if len(configured) < 50:
            raise ImproperlyConfigured(
                'TIDINGS_SECRET_KEY must be at least 50 characters long (e.g. python3 -c "import secrets; print(secrets.token_urlsafe(50))").'
            )
        return configured
    if HTTPS:
        raise ImproperlyConfigured("Set TIDINGS_SECRET_KEY to a long random string when TIDINGS_HTTPS is on.")
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        import secrets

        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = secret_key(DATA_DIR)

ALLOWED_HOSTS = env_list("TIDINGS_ALLOWED_HOSTS", "" if HTTPS else "127.0.0.1,localhost,testserver,[::1]")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set TIDINGS_ALLOWED_HOSTS (comma-separated host names) when TIDINGS_HTTPS is on.")

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", ""), DATA_DIR)}

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("TIDINGS_CACHE_PREFIX", "tidings"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tidings",
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Rate-limit counters (tidings.lib.ratelimit) must be shared by every process: Redis when
# configured, else a table in the database (created by `tidings run` and `tidings migrate`'s
# createcachetable step; docs/performance.md "Rate limits" measures it against a file cache).
RATE_LIMIT_CACHE = "limits"
CACHES[RATE_LIMIT_CACHE] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("TIDINGS_CACHE_PREFIX", "tidings") + "-limits",
        "TIMEOUT": 86400,
    }
    if REDIS_URL
    else {
        "BACKEND": "tidings.lib.cache.AtomicDatabaseCache",
        "LOCATION": "tidings_limits",
        "TIMEOUT": 86400,
        "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 10},
    }
)

# Anonymous page cache (tidings.web.pagecache) and site-block cache, in seconds; 0 turns them off.
PAGE_CACHE_SECONDS = env_int("TIDINGS_PAGE_CACHE_SECONDS", 60)
BLOCK_CACHE_SECONDS = env_int("TIDINGS_BLOCK_CACHE_SECONDS", 30)

# A visitor's reads of one article count once per window (tidings.engagement.actions).
READ_WINDOW_SECONDS = env_int("TIDINGS_READ_WINDOW_SECONDS", 1800)
# Raw statistics events (impressions, reads, read-throughs; tidings.stats) are kept this many days
# after the worker has rolled them into hourly and daily rows, then deleted.
EVENTS_KEEP_DAYS = env_int("TIDINGS_EVENTS_KEEP_DAYS", 30)
# 创作者指数: `tidings worker` computes it once a day, at the first minute past this hour (site time).
CREATOR_INDEX_HOUR = env_int("TIDINGS_CREATOR_INDEX_HOUR", 3)
if CREATOR_INDEX_HOUR > 23:
    raise ImproperlyConfigured(f"TIDINGS_CREATOR_INDEX_HOUR={CREATOR_INDEX_HOUR} must be an hour, 0–23.")

# A newly approved creator's first N articles go to an editor's review before they are public.
PROBATION_ARTICLES = env_int("TIDINGS_PROBATION_ARTICLES", 3)

# The originality check (tidings.articles.originality): 原创 cannot be declared for a text whose
# estimated Jaccard similarity to an earlier article of another creator is at least this (percent).
ORIGINAL_THRESHOLD = env_int("TIDINGS_ORIGINAL_THRESHOLD", 60, minimum=1) / 100

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    # django-ninja's own Swagger UI files (ninja/static): /api/v1/docs loads nothing from a CDN.
    "ninja",
    "tidings.accounts",
    "tidings.audit",
    "tidings.moderation",
    "tidings.channels",
    "tidings.creators",
    "tidings.notifications",
    "tidings.articles",
    "tidings.engagement",
    "tidings.comments",
    "tidings.discovery",
    "tidings.stats",
    "tidings.creator_index",
    "tidings.web",
    "tidings.studio",
    "tidings.api",
    "tidings.importers",
    "tidings.demo",
    "tidings.search",
]

MIDDLEWARE = [
    # Outermost: gzip for HTML, JSON, feeds (and page-cache hits), with Django's BREACH mitigation
    # (tidings/web/compress.py says why that is safe with CSRF tokens in the page).
    "tidings.web.compress.TextGZipMiddleware",
    # HEAD is answered wherever GET is (the view runs as GET, the body is dropped).
    "tidings.web.methods.HeadAsGetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Under /api/ every error is JSON, whichever layer (404, 405, CSRF, 500) answered it.
    "tidings.api.errors.JsonErrorsMiddleware",
    # 400 for control characters (NUL…) in the path, query or form values, 414 for a URL over 2 KB.
    "tidings.web.badinput.RejectControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves anonymous GETs from the page cache before sessions/auth/CSRF run.
    "tidings.web.pagecache.AnonymousPageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware yet: the interface speaks TIDINGS_LANGUAGE. When English and Traditional
    # catalogs land, add it back and key the page cache by the negotiated language.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A RateLimited raised by a view becomes 429 with Retry-After (tidings.lib.ratelimit).
    "tidings.lib.ratelimit.RateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tidings.urls"
WSGI_APPLICATION = "tidings.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        # Reader pages use Jinja2: it renders the article page several times faster than the
        # Django template language (docs/performance.md), which is the main cost of a page.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "tidings.lib.jinja.environment",
            "context_processors": ["tidings.web.context.site"],
        },
    },
    {
        # The admin and django.contrib views keep Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Argon2id for every new or re-hashed password; PBKDF2 only verifies (and upgrades) older hashes.
PRODUCTION_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_HASHERS = PRODUCTION_PASSWORD_HASHERS
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = env_str("TIDINGS_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
TIME_ZONE = env_str("TIDINGS_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# "host:port" pairs that tidings.lib.fetch may reach although they are inner addresses. Only tests
# set it (a local image server); never from the environment.
FETCH_ALLOW_PRIVATE_HOSTS: set[str] = set()
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MAX_AGE = 3600  # unhashed names only; hashed ones are cached "forever"
WHITENOISE_MANIFEST_STRICT = False  # a file missing from the manifest is served by its plain name, not a 500
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic writes content-hashed, pre-compressed copies, so WhiteNoise (or nginx) can
    # serve them gzipped and cached for a year; DEBUG (and the tests) read the source files.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# A strict Content-Security-Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# A form with a missing or stale token gets the site's Chinese 403 page, not Django's English one.
CSRF_FAILURE_VIEW = "tidings.web.views.csrf_failure"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("TIDINGS_SSL_REDIRECT", True)
    SECURE_HSTS_PRELOAD = env_bool("TIDINGS_HSTS_PRELOAD", True)
    SECURE_HSTS_SECONDS = env_int("TIDINGS_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SITE_NAME = env_str("TIDINGS_SITE_NAME", "Tidings 新闻")
SITE_PLATFORM_NAME = env_str("TIDINGS_PLATFORM_NAME", "Tidings 号")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TIDINGS_LOG_LEVEL", "WARNING")},
}
LOGIN_URL = "login"  # the URL name (django.urls.reverse)
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Sign-in throttling (tidings.accounts.throttle): failures per user name + address, and per
# address alone, within the window, through the cache (Redis when REDIS_URL is set).
LOGIN_FAILURES_PER_USER = env_int("TIDINGS_LOGIN_FAILURES", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("TIDINGS_LOGIN_FAILURES_PER_ADDRESS", 30)
LOGIN_WINDOW_SECONDS = env_int("TIDINGS_LOGIN_WINDOW_SECONDS", 900)
PASSWORD_RESET_TIMEOUT = 3 * 86400
# More rate limits (tidings.lib.ratelimit.LIMITS; the README's "Limits" table lists them all).
SIGNUPS_PER_HOUR = env_int("TIDINGS_SIGNUPS_PER_HOUR", 10)  # new accounts per address
PASSWORD_RESETS_PER_HOUR = env_int("TIDINGS_PASSWORD_RESETS_PER_HOUR", 10)  # per address
PASSWORD_RESETS_PER_ACCOUNT = env_int("TIDINGS_PASSWORD_RESETS_PER_ACCOUNT", 3)  # per e-mail and day
REPORTS_PER_HOUR = env_int("TIDINGS_REPORTS_PER_HOUR", 20)  # 举报 per account
PREVIEWS_PER_MINUTE = env_int("TIDINGS_PREVIEWS_PER_MINUTE", 120)  # studio live preview per account
AUTOSAVES_PER_MINUTE = env_int("TIDINGS_AUTOSAVES_PER_MINUTE", 30)  # studio autosave per account
UPLOADS_PER_HOUR = env_int("TIDINGS_UPLOADS_PER_HOUR", 100)  # images per account (studio, API, /join/)
EXTERNAL_IMAGES_PER_HOUR = env_int("TIDINGS_EXTERNAL_IMAGES_PER_HOUR", 200)  # fetched into bodies, per account
# 跟帖 (tidings.comments): per account, one every COMMENT_INTERVAL_SECONDS (a cooldown), then per hour
# and per day; votes (顶/踩) per hour. Accounts younger than COMMENT_NEW_ACCOUNT_HOURS are always
# held for review and may not post links.
COMMENT_INTERVAL_SECONDS = env_int("TIDINGS_COMMENT_INTERVAL_SECONDS", 10)
COMMENTS_PER_INTERVAL = 1
COMMENTS_PER_HOUR = env_int("TIDINGS_COMMENTS_PER_HOUR", 60)
COMMENTS_PER_DAY = env_int("TIDINGS_COMMENTS_PER_DAY", 300)
COMMENT_VOTES_PER_HOUR = env_int("TIDINGS_COMMENT_VOTES_PER_HOUR", 300)
COMMENT_NEW_ACCOUNT_HOURS = env_int("TIDINGS_COMMENT_NEW_ACCOUNT_HOURS", 24)
# How long a rendered comment section may be served from a per-process cache (no Redis); with a
# shared cache it is invalidated at once on every comment or vote.
COMMENT_CACHE_SECONDS = env_int("TIDINGS_COMMENT_CACHE_SECONDS", 10)
# Read-end reports one read may send (tidings.stats: how far down and how long it was read).
READ_END_REPORTS_PER_READ = env_int("TIDINGS_READ_END_REPORTS_PER_READ", 12)


def email_settings(backend: str, data_dir: Path) -> dict[str, object]:
    """Mail goes to the console by default, to files in <data dir>/mail, or out by SMTP."""
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
    }
    if backend not in backends:
        raise ImproperlyConfigured(f"TIDINGS_EMAIL_BACKEND={backend!r}: use console, file or smtp.")
    out: dict[str, object] = {"EMAIL_BACKEND": backends[backend]}
    if backend == "file":
        out["EMAIL_FILE_PATH"] = str(data_dir / "mail")
    return out


# SMTP when a host is configured, unless a backend is named explicitly.
EMAIL_HOST = env_str("TIDINGS_EMAIL_HOST", "localhost")
_email = email_settings(
    env_str("TIDINGS_EMAIL_BACKEND", "smtp" if os.environ.get("TIDINGS_EMAIL_HOST") else "console"), DATA_DIR
)
EMAIL_BACKEND = str(_email["EMAIL_BACKEND"])
EMAIL_FILE_PATH = str(_email.get("EMAIL_FILE_PATH", DATA_DIR / "mail"))
EMAIL_PORT = env_int("TIDINGS_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("TIDINGS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("TIDINGS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TIDINGS_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("TIDINGS_DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
