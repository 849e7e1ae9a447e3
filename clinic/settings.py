"""Settings for the clinic, read from environment variables.

Every variable has a default that runs on a laptop with no services installed: SQLite under
var/ and a Celery broker kept in files under var/. Production sets DATABASE_URL (PostgreSQL)
and REDIS_URL (Celery broker and cache). The README's configuration table lists them all.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from clinic.env import env_bool, env_choice, env_int, env_list, env_str, env_time_zone

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must not be the development key when DEBUG is false.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

CLINIC_NAME = env_str("CLINIC_NAME", "Pico Clinic")
# The currency prices are stored in (ISO 4217 code; amounts are integer minor units, so sen for
# MYR, pence for GBP). One clinic, one currency: a change does not convert stored prices.
CLINIC_CURRENCY = env_str("CLINIC_CURRENCY", "MYR").upper()
if len(CLINIC_CURRENCY) != 3 or not CLINIC_CURRENCY.isalpha():
    raise ImproperlyConfigured(
        f"CLINIC_CURRENCY must be an ISO 4217 code such as MYR, not {CLINIC_CURRENCY!r}."
    )
CLINIC_TIME_ZONE = env_time_zone("CLINIC_TIME_ZONE", "Europe/London")
# Phone numbers typed without a country code are read as this country's (ISO 3166 code).
PHONENUMBER_DEFAULT_REGION = env_str("CLINIC_PHONE_REGION", "GB").upper()
if len(PHONENUMBER_DEFAULT_REGION) != 2 or not PHONENUMBER_DEFAULT_REGION.isalpha():
    raise ImproperlyConfigured(
        f"CLINIC_PHONE_REGION must be a two-letter country code such as GB, not "
        f"{PHONENUMBER_DEFAULT_REGION!r}."
    )
PHONENUMBER_DB_FORMAT = "E164"
# How long an email-confirmation or invitation link works.
ACCOUNT_LINK_DAYS = env_int("ACCOUNT_LINK_DAYS", 3, minimum=1)
PASSWORD_RESET_TIMEOUT = ACCOUNT_LINK_DAYS * 24 * 3600
# Links in reminders (confirm, cancel, move a visit) work until the visit, and this long at most.
MESSAGE_LINK_MAX_AGE_DAYS = env_int("MESSAGE_LINK_MAX_AGE_DAYS", 90, minimum=1)
# An erased patient's clinical records, consents and audit entries are purged this long after.
CLINICAL_RECORD_RETENTION_YEARS = env_int("CLINICAL_RECORD_RETENTION_YEARS", 8, minimum=1)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "axes",
    "csp",
    # After django.contrib.auth, so that auth has created an app's permissions before
    # clinic's post_migrate handler hands them to the Manager group.
    "clinic",
    "planner",
    "bookings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A visitor's language: the switcher's cookie, else the browser's (Accept-Language).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "clinic.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in patient reads every page in their profile's language, whatever the cookie
    # says (after auth, and after LocaleMiddleware, whose choice it overrides).
    "clinic.languages.PatientLanguageMiddleware",
    # Every staff response that names a patient is in the audit log (clinic.audit).
    "clinic.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "clinic.middleware.StaffSessionIdleMiddleware",
    "clinic.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
                # {{ CSP_NONCE }} for a template that needs an inline script (none does today).
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------


def _database(url: str) -> dict[str, object]:
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
    engine = config.get("ENGINE")
    if engine == "django.db.backends.sqlite3":
        # IMMEDIATE transactions take the write lock at BEGIN, so concurrent bookings are
        # serialised instead of failing half-way with "database is locked"; WAL lets the web
        # server read while the worker writes.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # A file, not memory: the concurrency tests open one connection per thread.
        config["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    elif engine == "django.db.backends.postgresql":
        config["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60, minimum=0)
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL must point at PostgreSQL (postgres://...) or SQLite (sqlite:///...), "
            f"not {engine}."
        )
    return config


VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _database(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker and cache -----------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}."
    )

BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A task not acknowledged within this time is delivered again; reminders are rows polled
    # by the dispatcher, so no task carries an ETA anywhere near it (convention 4).
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    # A request reads its session from Redis, not the database, which keeps every session too:
    # a restarted or flushed Redis logs nobody out, and Redis down fails no request
    # (clinic/sessions.py: Django's cached_db, going on from the database meanwhile).
    SESSION_ENGINE = "clinic.sessions"
else:
    # Kombu's filesystem transport: a broker that needs no server, so the worker and beat run on
    # a laptop with nothing installed. Messages are files under var/broker.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 1,
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    # Sessions stay in the database (Django's default): a file cache is no quicker to read
    # than SQLite, and every process (server, worker) sees the same sessions.
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    # Kombu does not create its folders; a fresh checkout has none.
    for _folder in ("queue", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task running when the broker connection drops is given back and runs again (each task
# checks its row before acting, so a second run changes nothing): Celery 6's default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"
# Due reminders are rows; beat runs the dispatcher that hands them to workers this often, and a
# row handed out but not taken within the lease is handed out again
# (bookings/reminders/services.py).
REMINDER_DISPATCH_SECONDS = env_int("REMINDER_DISPATCH_SECONDS", 60, minimum=1)
REMINDER_LEASE_SECONDS = env_int("REMINDER_LEASE_SECONDS", 600, minimum=1)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "dispatch-reminders": {
        "task": "bookings.reminders.tasks.dispatch_reminders",
        "schedule": float(REMINDER_DISPATCH_SECONDS),
    },
    "purge-erased-patients": {"task": "clinic.tasks.purge_erased_patients", "schedule": 86400.0},
}

# --- Accounts -------------------------------------------------------------------------------

AUTH_USER_MODEL = "clinic.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Forms pass the person (saved or not) to the validators, so a password like their name or
# their email address is refused at sign-up as well as later (clinic/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "clinic.passwords.PersonalDetailsValidator",
        "OPTIONS": {"user_attributes": ("first_name", "last_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "clinic.passwords.DifferentCharactersValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sessions end after this many hours without a request (a working day); patients keep
# Django's two weeks (SESSION_COOKIE_AGE). clinic.middleware.StaffSessionIdleMiddleware.
STAFF_SESSION_IDLE_HOURS = env_int("STAFF_SESSION_IDLE_HOURS", 10, minimum=1)

# Password guessing (django-axes, wired in clinic/lockout.py): after LOGIN_FAILURE_LIMIT wrong
# passwords for one account, or from one address, logins stop for LOGIN_LOCKOUT_MINUTES after
# the last one; a manager can unlock sooner in the admin. Both the site's login and the admin's.
AUTHENTICATION_BACKENDS = [
    "clinic.lockout.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the count: an attacker could otherwise log in to an account of their
# own between guesses at someone else's, from the same address, and never be locked out.
AXES_RESET_ON_SUCCESS = False
# The login forms (the site's and the admin's) call the email address "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "clinic.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "clinic.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "clinic.lockout.locked_out"
# Only failures are kept (to be counted); successful logins are not logged a second time.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every start; failures and lockouts are still logged
# clinic/admin.py registers the failed attempts for managers, with an "unlock" action.
AXES_ENABLE_ADMIN = False
# How many emails one address (the visitor's IP) and one email address may cause per hour:
# password resets, sign-ups and confirmation links (clinic/throttles.py).
ACCOUNT_EMAILS_PER_ADDRESS_PER_HOUR = env_int("ACCOUNT_EMAILS_PER_ADDRESS_PER_HOUR", 20, minimum=1)
ACCOUNT_EMAILS_PER_EMAIL_PER_HOUR = env_int("ACCOUNT_EMAILS_PER_EMAIL_PER_HOUR", 3, minimum=1)

# --- Email ----------------------------------------------------------------------------------

_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
EMAIL_BACKEND = _EMAIL_BACKENDS[env_choice("EMAIL_BACKEND", "console", list(_EMAIL_BACKENDS))]
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "clinic@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMS and WhatsApp reminders (bookings/reminders/messages.py): console or file on a laptop,
# locmem in tests, twilio in production with the TWILIO_* settings below.
_TEXT_BACKENDS = ["console", "file", "locmem", "twilio"]
SMS_BACKEND = env_choice("SMS_BACKEND", "console", _TEXT_BACKENDS)
WHATSAPP_BACKEND = env_choice("WHATSAPP_BACKEND", "console", _TEXT_BACKENDS)
MESSAGES_FILE_PATH = env_str("MESSAGES_FILE_PATH", str(VAR_DIR / "messages"))
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")
TWILIO_SMS_FROM = env_str("TWILIO_SMS_FROM", "")
TWILIO_WHATSAPP_FROM = env_str("TWILIO_WHATSAPP_FROM", "")
if "twilio" in (SMS_BACKEND, WHATSAPP_BACKEND) and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN):
    raise ImproperlyConfigured("The twilio backend needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.")
for _name, _backend, _sender in (
    ("SMS", SMS_BACKEND, TWILIO_SMS_FROM),
    ("WHATSAPP", WHATSAPP_BACKEND, TWILIO_WHATSAPP_FROM),
):
    if _backend == "twilio" and not _sender:
        raise ImproperlyConfigured(f"{_name}_BACKEND=twilio needs TWILIO_{_name}_FROM.")

# Where links in messages sent outside a request (waitlist offers, reminders) point.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}.")

# --- Internationalisation and time ----------------------------------------------------------

LANGUAGE_CODE = "en-gb"
# The languages patients may choose (clinic.models.Language holds the same codes); staff pages
# stay in English. Catalogues: locale/<code>/LC_MESSAGES/django.po, compiled to .mo and
# committed (README: "Translations"). The names are in their own language, for the switcher.
LANGUAGES = [
    ("en-gb", "English"),
    ("ms", "Bahasa Melayu"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A visitor's choice (the switcher in the footer) is kept a year, on this browser.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Stored in UTC, shown in the clinic's zone (DESIGN.md, invariant 4).
TIME_ZONE = CLINIC_TIME_ZONE
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# whitenoise warns on every start while the folder is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # In production, collectstatic writes compressed files with hashed names that browsers may
    # cache forever; on a laptop (and in tests) files are served as they are, no collectstatic.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    # Clinical photos: outside the static and media paths, and nothing serves their storage's
    # URLs (MEDIA_URL is not routed). They are read only through the photo view, which checks
    # the role and writes the audit log. A deployment may swap the backend for object storage
    # (django-storages' S3Storage, say, with private ACLs) by editing this entry; the code only
    # uses Django's storage API.
    "clinical_photos": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("CLINICAL_PHOTOS_DIR", str(VAR_DIR / "clinical-photos")),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}
# The largest photo accepted (bytes): a phone's full-resolution JPEG or HEIC-converted image.
CLINICAL_PHOTO_MAX_BYTES = env_int("CLINICAL_PHOTO_MAX_BYTES", 15 * 1024 * 1024, minimum=1024)
# Whether patients see their own clinical photos on their course page (clinics differ).
PATIENTS_SEE_PHOTOS = env_bool("PATIENTS_SEE_PHOTOS", False)

# --- Security -------------------------------------------------------------------------------

SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# The header a TLS-terminating proxy sets to "https" on requests that reached it over HTTPS
# (empty: no proxy, so trust no header: the app itself is reached over TLS).
_PROXY_SSL_HEADER = env_str("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if _PROXY_SSL_HEADER else None
)
# In production every page is HTTPS: plain HTTP is redirected (set false when the proxy does the
# redirecting itself), and browsers are told to use HTTPS only (HSTS, sent on HTTPS responses).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The container's health check asks over plain HTTP, from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): scripts only from the site's own static files (the
# vendored libraries included), never inline, so injected markup cannot run a script. A template
# that must have an inline script gives it nonce="{{ CSP_NONCE }}". Inline styles stay allowed:
# Bootstrap, EventCalendar, Swagger UI and htmx's indicator style set them, and a style cannot
# run code. Bootstrap's icons in its CSS are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# How many proxies stand in front of the app: the API's rate limits key on the client address
# taken that many hops back in X-Forwarded-For (0: the socket's address, which cannot be forged).
NINJA_NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"]),
    },
    # django-axes narrates every login at INFO; its warnings (failures, lockouts) are what count.
    "loggers": {"axes": {"level": "WARNING"}},
}
