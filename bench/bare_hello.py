"""A bare Django hello-world: the baseline of bench/pages.py.

Only SecurityMiddleware and CommonMiddleware, one view, no database, no
templates; served by gunicorn with the same flags as the project
(``gunicorn bench.bare_hello:application``).  Not part of the project.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["django.middleware.security.SecurityMiddleware",
                "django.middleware.common.CommonMiddleware"],
    INSTALLED_APPS=[],
    DATABASES={},
)


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("__bench__/hello", hello), path("healthz", hello)]
application = get_wsgi_application()
