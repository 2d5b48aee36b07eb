import html
import re
import threading
from functools import lru_cache

import markdown
import nh3
from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

register = template.Library()

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}


_local = threading.local()


@register.filter
def render_markdown(text: str | None) -> str:
    """Markdown from staff or participants, rendered and then sanitized (no raw HTML survives).

    Building a Markdown converter costs more than converting a paragraph, and pages
    convert many fields, so each thread keeps one converter and resets it per use.
    """
    if not text:
        return ""
    return mark_safe(_remembered(_sanitized_html, text))


# Uncached pages convert the same summaries and descriptions on every request (a library
# page: twenty; bench/pages.py): the conversions are pure, so each process remembers the
# latest ones. Only short texts, so the memory stays small (at most _REMEMBERED of them).
_REMEMBERED, _REMEMBER_UP_TO = 1024, 4000


def _remembered(convert, text: str) -> str:
    return _remembered_conversion(convert, text) if len(text) <= _REMEMBER_UP_TO else convert(text)


@lru_cache(maxsize=_REMEMBERED)
def _remembered_conversion(convert, text: str) -> str:
    return convert(text)


def _sanitized_html(text: str) -> str:
    rendered = _converter().convert(text)
    return nh3.clean(rendered, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}}, link_rel="noopener noreferrer")


def _converter() -> markdown.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    return converter.reset()


# Where a block ends in the rendered HTML, the plain text needs a space ("Session 4: Notes", not "Session 4:Notes").
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre|tr|td|th|dt|dd|div)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)


@register.filter
def markdown_text(text: str | None) -> str:
    """Markdown as plain text for excerpts and snippets: "## Session 4" reads "Session 4",
    "[the guide](https://…)" reads "the guide". Rendered by the same converter as
    `render_markdown`, every tag then dropped (script and style with their content) and
    entities decoded: the result is text, not HTML, so it is escaped wherever it is shown."""
    if not text:
        return ""
    return _remembered(_plain_text, text)


def _plain_text(text: str) -> str:
    rendered = _BLOCK_END.sub(lambda m: m[0] + " ", _converter().convert(text))
    return " ".join(html.unescape(nh3.clean(rendered, tags=set())).split())


@register.simple_tag
def zone_name() -> str:
    """The time zone times on this page are shown in, named for the reader."""
    return str(timezone.get_current_timezone())


@register.filter
def local_time(value, fmt: str = "D j M Y, H:i"):
    """A datetime in the viewer's zone with the zone's abbreviation (e.g. 'CDT')."""
    if value is None:
        return ""
    from django.utils.dateformat import format as date_format

    from core.timefmt import zone_label

    local = timezone.localtime(value)
    return f"{date_format(local, fmt)} {zone_label(local)}"
