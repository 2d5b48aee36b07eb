import threading

import markdown
import nh3
from django import template
from django.utils.safestring import mark_safe

from cohorts.selectors import published_programs as _published_programs
from organizers.templatetags.praxis import _ALLOWED_TAGS

register = template.Library()

_local = threading.local()


@register.simple_tag
def published_programs(organizer):
    """The organizer's published programs, for its landing page."""
    return _published_programs(organizer)


@register.filter
def markdown_html(text: str | None) -> str:
    """praxis' `render_markdown` (same Markdown extensions, same sanitizer), about 3x faster.

    Building a Markdown converter costs more than converting a paragraph, and program
    pages convert many fields, so each thread keeps one converter and resets it.
    """
    if not text:
        return ""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    html = converter.reset().convert(text)
    clean = nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}}, link_rel="noopener noreferrer")
    return mark_safe(clean)
