"""Where other apps add sections to the organizer dashboard.

Billing (revenue, outstanding, scholarship use) registers a builder in its
`AppConfig.ready()`:

    from reports.hooks import register_dashboard_section
    register_dashboard_section(billing_section)

A builder is called as `builder(organizer=..., numbers=..., access=...)` with the
dashboard's `reports.selectors.DashboardNumbers` (its `cohorts` are the cohorts on the
dashboard) and returns a `reports.sections.Section` or None (nothing to show, or the
viewer may not see it). It must run a fixed number of queries however many cohorts
there are: tests/reports/test_dashboard.py counts the whole page's queries.
"""

from collections.abc import Callable

DashboardBuilder = Callable[..., object]

_builders: list[DashboardBuilder] = []


def register_dashboard_section(builder: DashboardBuilder) -> DashboardBuilder:
    if builder not in _builders:
        _builders.append(builder)
    return builder


def extra_sections(*, organizer, numbers, access) -> list:
    sections = (builder(organizer=organizer, numbers=numbers, access=access) for builder in _builders)
    return [section for section in sections if section is not None]
