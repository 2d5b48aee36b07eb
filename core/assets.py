"""The stylesheet and script tags every public page carries, written once per process.

Why: each `{% static %}` asks the storage for a URL (with the manifest storage of
production, a lookup in the manifest), and base.html names six assets on every page:
together they cost about a third of rendering an empty page. The URLs cannot change
while a process runs (collectstatic runs before it starts), so they are computed at the
first page and reused.
"""

from __future__ import annotations

from functools import lru_cache

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_htmx.jinja import htmx_script

_STYLESHEETS = ("bootstrap/css/bootstrap.min.css", "praxis/praxis.css")


@lru_cache(maxsize=1)
def page_assets() -> dict[str, SafeString]:
    head = [format_html('<link rel="icon" href="{}" type="image/svg+xml">', static("praxis/favicon.svg"))]
    head += [format_html('<link rel="stylesheet" href="{}">', static(path)) for path in _STYLESHEETS]
    scripts = [
        format_html('<script src="{}"></script>', static("bootstrap/js/bootstrap.bundle.min.js")),
        htmx_script(),
        format_html('<script src="{}" defer></script>', static("praxis/praxis.js")),
    ]
    return {"head": mark_safe("\n  ".join(head)), "scripts": mark_safe("\n  ".join(scripts))}
