"""Charts drawn on the server as SVG: no script, no CDN, no inline styles.

Every chart is an image with a title and a description (`role="img"`), prints its
values next to the marks (so it reads without colour), and is always shown beside a
table of the same numbers. Colours come from classes in static/praxis/praxis.css.
"""

from dataclasses import dataclass
from itertools import count

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

_ids = count(1)


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None  # None: nothing to show yet (e.g. no attendance recorded)


def _value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    shown = f"{value:.0f}" if float(value).is_integer() or unit == "%" else f"{value:.1f}"
    return f"{shown}{unit}"


def _frame(*, title: str, description: str, width: int, height: int, body: SafeString) -> SafeString:
    ident = f"praxis-chart-{next(_ids)}"
    return format_html(
        '<svg class="praxis-chart" role="img" viewBox="0 0 {w} {h}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" aria-labelledby="{i}-t {i}-d" focusable="false">'
        '<title id="{i}-t">{title}</title><desc id="{i}-d">{desc}</desc>{body}</svg>',
        w=width, h=height, i=ident, title=title, desc=description, body=body,
    )


def bar_chart(*, title: str, points: list[Point], unit: str = "", max_value: float | None = None) -> SafeString:
    """Horizontal bars, one per point, each labelled with its name and value."""
    width, label_width, row, top = 640, 220, 26, 8
    scale_max = max_value or max((p.value or 0 for p in points), default=0) or 1
    bar_space = width - label_width - 70
    rows = []
    for index, point in enumerate(points):
        y = top + index * row
        length = 0 if point.value is None else max(1.0, bar_space * min(point.value, scale_max) / scale_max)
        rows.append(format_html(
            '<text class="praxis-chart-label" x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
            '<rect class="praxis-chart-bar" x="{x}" y="{y}" width="{w}" height="{h}"></rect>'
            '<text class="praxis-chart-value" x="{vx}" y="{ty}">{value}</text>',
            lx=label_width - 8, ty=_n(y + row * 0.62), label=_short(point.label, 32), x=label_width, y=y + 3,
            w=_n(length), h=row - 8, vx=_n(label_width + length + 6), value=_value_text(point.value, unit),
        ))
    axis = format_html(
        '<line class="praxis-chart-axis" x1="{x}" y1="{t}" x2="{x}" y2="{b}"></line>',
        x=label_width, t=top, b=top + row * max(len(points), 1),
    )
    described = "; ".join(f"{p.label}: {_value_text(p.value, unit)}" for p in points)
    return _frame(title=title, description=described or "No data.", width=width,
                  height=top * 2 + row * max(len(points), 1), body=mark_safe("".join(rows)) + axis)


def grouped_bar_chart(*, title: str, groups: list[tuple[str, list[float | None]]], series: list[str],
                      unit: str = "", max_value: float | None = None) -> SafeString:
    """Horizontal bars in groups (e.g. areas), one bar per series (e.g. baseline, follow-up).

    Each bar carries its value; series are told apart by a legend and by shades that
    differ in lightness, not only in hue.
    """
    width, label_width, bar, gap, top = 640, 220, 18, 12, 8
    scale_max = max_value or max((v or 0 for _, values in groups for v in values), default=0) or 1
    bar_space = width - label_width - 70
    group_h = bar * max(len(series), 1) + gap
    marks = []
    for g_index, (label, values) in enumerate(groups):
        y0 = top + g_index * group_h
        marks.append(format_html('<text class="praxis-chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
                                 label_width - 8, _n(y0 + bar * len(series) / 2 + 4), _short(label, 32)))
        for s_index, value in enumerate(values):
            y = y0 + s_index * bar
            length = 0 if value is None else max(1.0, bar_space * min(value, scale_max) / scale_max)
            marks.append(format_html(
                '<rect class="praxis-chart-bar praxis-chart-series-{s}" x="{x}" y="{y}" width="{w}" height="{h}">'
                '</rect><text class="praxis-chart-value" x="{vx}" y="{ty}">{value}</text>',
                s=s_index % 4, x=label_width, y=y + 1, w=_n(length), h=bar - 3, vx=_n(label_width + length + 6),
                ty=_n(y + bar * 0.7), value=_value_text(value, unit),
            ))
    legend_y = top + group_h * max(len(groups), 1)
    legend = format_html_join("", (
        '<rect class="praxis-chart-bar praxis-chart-series-{}" x="{}" y="{}" width="12" height="12"></rect>'
        '<text class="praxis-chart-label" x="{}" y="{}">{}</text>'
    ), ((i % 4, label_width, legend_y + 18 * i, label_width + 18, legend_y + 18 * i + 11, name)
        for i, name in enumerate(series)))
    axis = format_html('<line class="praxis-chart-axis" x1="{x}" y1="{t}" x2="{x}" y2="{b}"></line>',
                       x=label_width, t=top, b=legend_y - gap)
    described = "; ".join(f"{label}, {name}: {_value_text(value, unit)}"
                          for label, values in groups for name, value in zip(series, values))
    return _frame(title=title, description=described or "No data.", width=width,
                  height=legend_y + 18 * len(series) + top, body=mark_safe("".join(marks)) + legend + axis)


def line_chart(*, title: str, points: list[Point], unit: str = "%", max_value: float = 100) -> SafeString:
    """Values over time, left to right in the given order; gaps where a value is None.

    Each point is a marked circle with its value written above it (up to 24 points;
    beyond that the table beside the chart carries the values).
    """
    width, height, left, right, top, bottom = 640, 240, 44, 16, 20, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(points) - 1, 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        x = left + (index * step if len(points) > 1 else plot_w / 2)
        return x, top + plot_h - plot_h * min(value, max_value) / max_value

    grid = format_html_join("", (
        '<line class="praxis-chart-grid" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
        '<text class="praxis-chart-label" x="{}" y="{}" text-anchor="end">{}</text>'
    ), ((left, _n(y), width - right, _n(y), left - 6, _n(y + 4), _value_text(v, unit))
        for v in (0, max_value / 2, max_value) for y in [top + plot_h - plot_h * v / max_value]))
    segments, current = [], []
    for index, point in enumerate(points):
        if point.value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(xy(index, point.value))
    if current:
        segments.append(current)
    lines = format_html_join("", '<polyline class="praxis-chart-line" points="{}"></polyline>', (
        (" ".join(f"{x:.1f},{y:.1f}" for x, y in segment),) for segment in segments
    ))
    label_every = max(1, -(-len(points) // 12))
    marks = []
    for index, point in enumerate(points):
        x = xy(index, 0)[0]
        if index % label_every == 0:
            marks.append(format_html(
                '<text class="praxis-chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(x), height - bottom + 18, _short(point.label, 12),
            ))
        if point.value is not None:
            _, y = xy(index, point.value)
            marks.append(format_html('<circle class="praxis-chart-point" cx="{}" cy="{}" r="4"></circle>', _n(x), _n(y)))
            if len(points) <= 24:
                marks.append(format_html(
                    '<text class="praxis-chart-value" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(x), _n(y - 8), _value_text(point.value, unit),
                ))
    described = "; ".join(f"{p.label}: {_value_text(p.value, unit)}" for p in points)
    return _frame(title=title, description=described or "No data.", width=width, height=height,
                  body=grid + lines + mark_safe("".join(marks)))


def _n(number: float) -> str:
    return f"{number:.1f}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
