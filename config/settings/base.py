"""Settings shared by every environment; local, test and production adjust them."""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "config.apps.PraxisAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_htmx",
    "django_celery_beat",
    "csp",
    # Praxis, from the foundation outwards.
    "core",
    "accounts",
    "organizers",
    "notifications",
    "cohorts",
    "applications",
    "sessions_app",
    "library",
    "billing",
    "reports",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "api",
    "privacy",
    "workplace",
    "community",
    "frameworks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Anonymous organizer pages from the cache, before sessions and auth (core/page_cache.py);
    # outside CSP, so a stored page keeps its header, with a fresh nonce per response.
    "core.page_cache.AnonymousPageCacheMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Resolves /<organizer-slug>/, enters its scope, computes the viewer's access once.
    "organizers.middleware.OrganizerMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "organizers.context_processors.organizer_context",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web process and a worker share the file: wait for locks instead of failing,
    # and take the write lock at BEGIN so two writers never deadlock on upgrade.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    # core.prepared asks PostgreSQL to prepare the few hottest reads. psycopg prepares
    # nothing at all while the threshold is None (Django's default); a threshold no
    # query reaches prepares exactly those that ask. Django's own queries bind on the
    # client and are never prepared. Behind a transaction-mode pooler, set
    # DJANGO_DB_PREPARE=0 (core.prepared then runs them unprepared).
    if env.bool("DJANGO_DB_PREPARE", default=True):
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
# Services open their own short transactions; see DESIGN.md "Transactions".
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Read API (api/): requests per token, and per address without one.
PRAXIS_API_RATES = {
    "anon": env("PRAXIS_API_RATE_ANON", default="60/min"),
    "token": env("PRAXIS_API_RATE_TOKEN", default="600/min"),
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: email is the login; verification is mandatory; allauth's own rate limits
# (on by default, kept explicit here) stand in for a lockout that never expires.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# The name emails are signed with where no organizer is in view (accounts.adapter).
PRAXIS_SITE_NAME = env("PRAXIS_SITE_NAME", default="Praxis")
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PRAXIS_SITE_NAME}] "
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Sign-up asks for the person's name (and optional pronouns) besides email and password.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupNameForm"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Praxis"

# guardian: per-object grants (this facilitator runs this cohort) live in direct
# foreign-key tables next to the object; no anonymous user row is needed.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Praxis <no-reply@praxis.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Celery. Redis when REDIS_URL is set; otherwise a filesystem broker under var/
# so the same tasks run through a real worker without Redis (`make run`).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_VISIBILITY_TIMEOUT = 3600
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = BASE_DIR / "var" / "celery-queue"
    # Any command may enqueue (load_demo sends its welcome mail after commit), not only
    # runlocal, which used to be the one that made these folders.
    for _folder in (_queue_dir / "processed", _queue_dir / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Special-category data: aggregates with fewer than this many people are suppressed
# unless the organizer sets its own threshold.
PRAXIS_DEFAULT_SMALL_CELL_K = 5


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 60.0},
    # Staff who chose a daily digest of new requests, proposals and applications (notifications.alerts).
    "staff-digests": {"task": "notifications.tasks.send_staff_digests", "schedule": crontab(hour=13, minute=0)},
}

# Applications: resume stalled selection runs and purge demographic answers past their
# retention. (Offers expire with their enrollments: cohorts-expire-offers below.)
CELERY_BEAT_SCHEDULE["applications-resume-stalled-runs"] = {
    "task": "applications.tasks.resume_stalled_runs", "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["applications-purge-demographics"] = {
    "task": "applications.tasks.purge_demographics", "schedule": 3600.0,
}

# Library uploads: the largest file accepted (LIBRARY_MAX_UPLOAD_MB, default 20).
LIBRARY_MAX_UPLOAD_BYTES = env.int("LIBRARY_MAX_UPLOAD_MB", default=20) * 1024 * 1024

# Catalog (cohorts): seats offered from the waitlist lapse after their deadline.
CELERY_BEAT_SCHEDULE["cohorts-expire-offers"] = {"task": "cohorts.tasks.expire_offers", "schedule": 300.0}
# Seats held for a payment are released (and refilled) after their payment deadline.
CELERY_BEAT_SCHEDULE["cohorts-lapse-payment-holds"] = {"task": "cohorts.tasks.lapse_payment_holds", "schedule": 300.0}
# Open-cohort team members who have not confirmed after this many days are reported to
# their lead and to staff, once (cohorts.tasks.report_unconfirmed_team_members, daily).
PRAXIS_TEAM_CONFIRMATION_DAYS = env.int("PRAXIS_TEAM_CONFIRMATION_DAYS", default=7)
CELERY_BEAT_SCHEDULE["cohorts-report-unconfirmed-team-members"] = {
    "task": "cohorts.tasks.report_unconfirmed_team_members", "schedule": crontab(hour=12, minute=30),
}
# Absolute links in emails (offers, confirmations) start with this.
PRAXIS_BASE_URL = env("PRAXIS_BASE_URL", default="http://127.0.0.1:8000")

# Sessions: reminders, office-hour reminders and after-session messages are swept every
# few minutes; check-ins after a cohort ends every hour (rounds are created once per due date).
CELERY_BEAT_SCHEDULE["sessions-sweep-reminders"] = {"task": "sessions_app.tasks.sweep_session_reminders", "schedule": 300.0}
CELERY_BEAT_SCHEDULE["sessions-sweep-checkins"] = {"task": "sessions_app.tasks.sweep_checkins", "schedule": 3600.0}
# Cohorts whose last day passed: the completion rule is applied, everyone hears the outcome.
CELERY_BEAT_SCHEDULE["sessions-close-ended-cohorts"] = {
    "task": "sessions_app.tasks.close_ended_cohorts", "schedule": 3600.0,
}

# Billing: overdue-invoice reminders once a day (deduplicated per order and week).
CELERY_BEAT_SCHEDULE["billing-overdue-reminders"] = {"task": "billing.tasks.send_overdue_reminders", "schedule": 86400.0}
# Stripe Checkout (README: switching to real keys). Empty secret key: card payments are off.
# STRIPE_API_BASE is only for tests, which point the library at a fake Stripe on 127.0.0.1.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# Personal data: each organizer's retention period erases participants' details of ended cohorts.
CELERY_BEAT_SCHEDULE["privacy-apply-retention"] = {"task": "privacy.tasks.apply_retention", "schedule": 86400.0}
# Community: each organizer's daily digest of new posts, swept hourly, sent once per local day.
CELERY_BEAT_SCHEDULE["community-sweep-digests"] = {"task": "community.tasks.sweep_digests", "schedule": 3600.0}

# Content-Security-Policy, enforced: scripts only from our own static files (Bootstrap,
# htmx, static/praxis/praxis.js; no inline script or event attributes), styles from our
# files plus <style> elements carrying the request's nonce (the organizer's brand colour),
# images from us or data: URIs (Bootstrap's icons, the two-factor QR code).
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    },
}
