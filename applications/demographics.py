"""Special-category data: the only module that reads individual demographic answers.

Individual answers go to people holding `Capability.VIEW_DEMOGRAPHICS` (reviewers also
need their call to allow it); each such read writes a `DemographicAccessLog` row.
Everyone else gets aggregates in which cells of fewer than the organizer's
`small_cell_k` people are suppressed, together with a second cell or the total when
one suppressed cell could otherwise be worked out from the rest.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from organizers.roles import Capability

from .models import Application, DemographicAccessLog, DemographicCategory, DemographicResponse

NOT_ANSWERED = "Not answered or prefer not to say"
HIDDEN = "hidden"


def hidden_legend(k: int) -> str:
    """What "hidden" means wherever suppressed aggregates are shown."""
    return (f"“{HIDDEN}”: either a group of fewer than {k} people, or a cell hidden so that such a small group "
            "can't be worked out from the rest and the total; the page does not say which of the two, because "
            "that would give the small group away.")


def may_read_individual(access, *, call=None, as_reviewer: bool = False) -> bool:
    if not access.can(Capability.VIEW_DEMOGRAPHICS):
        return False
    if as_reviewer:
        return bool(call and call.reviewers_see_demographics)
    return True


def read_individual(*, application: Application, viewer, access, as_reviewer: bool = False) -> dict | None:
    """One applicant's answers for a permitted viewer (logged), else None."""
    if not may_read_individual(access, call=application.call, as_reviewer=as_reviewer):
        return None
    response = DemographicResponse.objects.filter(application=application).first()
    if response is None:
        return None
    DemographicAccessLog.objects.create(
        organizer_id=application.organizer_id, viewer=viewer, application=application,
        action=DemographicAccessLog.Action.VIEW, detail="review page" if as_reviewer else "staff page",
    )
    return labelled(application.call, response.answers)


def export_individual(*, call, applications: Iterable[Application], viewer, access, detail: str) -> dict[int, dict] | None:
    """Answers by application id for an export by a permitted viewer (one log row), else None."""
    if not may_read_individual(access, call=call):
        return None
    DemographicAccessLog.objects.create(
        organizer_id=call.organizer_id, viewer=viewer, action=DemographicAccessLog.Action.EXPORT, detail=detail[:300],
    )
    return features_by_application(applications)


def labelled(call, answers: dict) -> list[tuple[str, list[str]]]:
    """[(category label, [values])] in the call's order; prefer-not-to-say for empty answers."""
    out = []
    for category in call.demographic_categories.all():
        values = answers.get(category.key) or []
        out.append((category.label, values or ["Prefer not to say"]))
    return out


def category_labels(call) -> dict[str, str]:
    """{category key: its label} of a call's questions: quotas name a category by key."""
    return dict(call.demographic_categories.values_list("key", "label"))


def quota_name(quota, labels: dict[str, str]) -> str:
    """A quota as staff read it: its own label, else "Category label: answer" (the answer
    options are stored as the text people chose, so the value is already its label)."""
    return quota.label or f"{labels.get(quota.category, quota.category)}: {quota.value}"


def intersection_name(rule, labels: dict[str, str]) -> str:
    return rule.label or " and ".join(f"{labels.get(k, k)}: {v}" for k, v in sorted(rule.conditions.items()))


def features_by_application(applications: Iterable[Application]) -> dict[int, dict[str, list[str]]]:
    """Answers keyed by application id, for the selection engine and aggregates only."""
    ids = [a.pk for a in applications]
    return {
        r.application_id: dict(r.answers)
        for r in DemographicResponse.objects.filter(application_id__in=ids).only("application_id", "answers")
    }


@dataclass
class Cell:
    label: str
    count: int
    suppressed: bool = False
    k: int = 0

    @property
    def shown(self) -> str:
        # One word for both kinds of hidden cell: telling a small group (fewer than k) from
        # a cell hidden to protect it would narrow the small group down, sometimes to its
        # exact size (total 6 = a hidden cell of at least k plus one of 1..k-1 gives 5 and 1).
        return HIDDEN if self.suppressed else str(self.count)


@dataclass
class CategoryTable:
    key: str
    label: str
    cells: list[Cell]
    total: int
    total_suppressed: bool = False
    columns: dict[str, list[Cell]] = field(default_factory=dict)


def suppress(cells: list[Cell], *, total: int, k: int) -> bool:
    """Mark small cells suppressed (in place); return whether the total must be hidden too.

    Primary: 0 < count < k. Complementary: a lone suppressed cell could be recovered
    as total minus the others, so the next smallest shown non-zero cell is hidden as
    well; with no such cell the total is hidden instead.
    """
    for cell in cells:
        cell.k = k
        cell.suppressed = 0 < cell.count < k
    hidden = [c for c in cells if c.suppressed]
    if len(hidden) == 1:
        others = sorted((c for c in cells if not c.suppressed and c.count > 0), key=lambda c: c.count)
        if others:
            others[0].suppressed = True
        else:
            return True
    return False


def count_by_value(category: DemographicCategory, answers: Iterable[dict]) -> list[Cell]:
    counts: Counter[str] = Counter()
    for answer in answers:
        values = [v for v in (answer.get(category.key) or []) if v in category.value_list]
        if not values:
            counts[NOT_ANSWERED] += 1
        for value in values:
            counts[value] += 1
    return [Cell(v, counts[v]) for v in category.value_list] + [Cell(NOT_ANSWERED, counts[NOT_ANSWERED])]


def aggregate(call, groups: dict[str, list[Application]], *, exact: bool) -> list[CategoryTable]:
    """Per category, counts per value for each named group (e.g. pool, selected).

    `exact` is for holders of the demographics permission; everyone else gets the
    suppressed table.
    """
    k = call.organizer.small_cell_k
    features = features_by_application(a for apps in groups.values() for a in apps)
    tables = []
    for category in call.demographic_categories.all():
        columns = {}
        for name, apps in groups.items():
            cells = count_by_value(category, [features.get(a.pk, {}) for a in apps])
            hide_total = False if exact else suppress(cells, total=len(apps), k=k)
            columns[name] = cells
            columns[name + ":total"] = [Cell("Total", len(apps), suppressed=hide_total, k=k)]
        first = next(iter(groups), None)
        tables.append(CategoryTable(
            key=category.key, label=category.label, cells=columns.get(first, []),
            total=len(groups.get(first, [])), columns=columns,
        ))
    return tables
