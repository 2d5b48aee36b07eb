"""Production: every secret and host comes from the environment (see .env.example)."""

from .base import *  # noqa: F403
from core.urls import site_url_problem

from .base import REDIS_URL, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The site's address in emails and feeds (core.urls.absolute_url): PRAXIS_BASE_URL, or
# https:// and the first allowed host; a host ALLOWED_HOSTS would refuse stops the start.
PRAXIS_BASE_URL = env("PRAXIS_BASE_URL", default=f"https://{ALLOWED_HOSTS[0].lstrip('.')}")
if _problem := site_url_problem(PRAXIS_BASE_URL, ALLOWED_HOSTS):
    raise RuntimeError(_problem)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587, sets EMAIL_BACKEND, EMAIL_HOST, ...
globals().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))

if not REDIS_URL:
    raise RuntimeError("Production needs REDIS_URL for Celery, the cache and rate limits.")

STORAGES = {
    "default": {"BACKEND": env("DJANGO_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# S3-compatible storage for uploads (django-storages): set DJANGO_FILE_STORAGE to
# "storages.backends.s3.S3Storage" and the AWS_* variables below.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True

LOGGING["root"]["level"] = env("DJANGO_LOG_LEVEL", default="WARNING")  # noqa: F405
