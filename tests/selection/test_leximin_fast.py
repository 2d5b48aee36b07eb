"""The LEXIMIN fast paths (uniform covers, balanced start, swap columns)
against the general column generation, and the certified gap."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from applications.selection import Applicant, Quota, SelectionProblem, leximin, publish_panels
from applications.selection.constraints import build_model, group_types
from applications.selection.cover import type_matrix, uniform_cover, window_cover

from ._checks import violations
from .pools import starvation_problem


@st.composite
def plain_pools(draw):
    """Singletons with 2-3 categories, random quotas, a few fixed in or out."""
    n = draw(st.integers(8, 30))
    categories = {f"c{i}": [f"v{j}" for j in range(draw(st.integers(2, 3)))]
                  for i in range(draw(st.integers(1, 3)))}
    people = []
    for i in range(n):
        features = {c: draw(st.sampled_from(values)) for c, values in categories.items()}
        fixed = draw(st.sampled_from([""] * 12 + ["in", "out"]))
        people.append(Applicant(id=f"a{i:02d}", features=features,
                                organization=draw(st.sampled_from([None, None, "o1", "o2"])),
                                fixed_in=fixed == "in", fixed_out=fixed == "out"))
    seats = draw(st.integers(2, max(2, n // 2)))
    quotas = []
    for c, values in categories.items():
        for v in values:
            if draw(st.booleans()):
                lo = draw(st.integers(0, 3))
                quotas.append(Quota(category=c, value=v, min=lo,
                                    max=draw(st.one_of(st.none(), st.integers(lo, lo + 3)))))
    return SelectionProblem(applicants=tuple(people), seats=seats, quotas=tuple(quotas),
                            max_per_organization=draw(st.sampled_from([None, None, 2, 3])))


@settings(max_examples=50, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(plain_pools())
def test_fast_paths_give_the_same_probabilities_as_column_generation(problem):
    fast = leximin(problem)
    slow = leximin(problem, fast_paths=False)
    assert fast.status == slow.status
    if not fast.feasible:
        return
    event(fast.method)
    assert fast.gap <= fast.tolerance and slow.gap <= slow.tolerance
    for a in problem.applicants:
        assert fast.probabilities[a.id] == pytest.approx(slow.probabilities[a.id], abs=2e-6), a.id
    for panel in set(publish_panels(fast, panels=40).panels):
        assert not violations(problem, panel)


def test_uniform_cover_proves_equal_shares_at_once():
    result = leximin(starvation_problem(seed=3))
    assert result.method == "uniform cover"
    assert result.gap == 0.0 and result.lp_solves == 0
    assert all(p == pytest.approx(0.1, abs=1e-12) for p in result.probabilities.values())


@pytest.mark.parametrize("cover", [uniform_cover, window_cover])
def test_each_cover_uses_every_unit_exactly_m_times(cover):
    # 13 free people for 5 free seats (fixed-in person takes the sixth):
    # G = 13 panels, each person in 5 of them.
    people = [Applicant(id="boss", features={"g": "w"}, fixed_in=True)]
    people += [Applicant(id=f"w{i}", features={"g": "w"}) for i in range(6)]
    people += [Applicant(id=f"m{i}", features={"g": "m"}) for i in range(7)]
    problem = SelectionProblem(applicants=tuple(people), seats=6,
                               quotas=(Quota(category="g", value="m", min=2, max=4),))
    model = build_model(problem)
    types = group_types(model)
    panels = cover(type_matrix(model, types), problem.seats, time_limit=10)
    assert panels is not None and len(panels) == 13
    uses = np.sum(np.array(panels), axis=0)
    for t, ty in enumerate(types):
        assert uses[t] == (13 if ty.fixed_in else 5 * ty.count)
    for p in panels:
        men = sum(c for c, ty in zip(p, types) if ty.coefs and "m" in ty.units[0].members[0])
        assert 2 <= men <= 4 and sum(p) == 6
    result = leximin(problem)
    assert result.probabilities["boss"] == 1.0
    assert result.probabilities["w0"] == pytest.approx(5 / 13, abs=1e-12)


def test_unequal_answer_reports_levels_gap_and_progress():
    # At most one woman of four seats: women 1/5, men 3/5 -- no cover exists.
    people = [Applicant(id=f"w{i}", features={"g": "w"}) for i in range(5)]
    people += [Applicant(id=f"m{i}", features={"g": "m"}) for i in range(5)]
    problem = SelectionProblem(applicants=tuple(people), seats=4,
                               quotas=(Quota(category="g", value="w", max=1),))
    seen = []
    result = leximin(problem, tolerance=1e-9, progress=seen.append)
    assert result.method == "column generation" and result.levels == 2
    assert result.gap <= 1e-9
    assert result.probabilities["w0"] == pytest.approx(0.2, abs=1e-9)
    assert result.probabilities["m0"] == pytest.approx(0.6, abs=1e-9)
    assert seen and all(math.isfinite(s["gap"]) and s["gap"] >= 0 for s in seen)
    assert seen[-1]["gap"] <= 1e-9


def test_counted_pool_gives_each_person_what_the_named_pool_gives():
    named = starvation_problem()
    counted = SelectionProblem(
        applicants=(
            Applicant(id="fc", features={"gender": "female", "leaning": "conservative"}),
            Applicant(id="fl", features={"gender": "female", "leaning": "liberal"}, count=99),
            Applicant(id="mc", features={"gender": "male", "leaning": "conservative"},
                      count=100)),
        seats=20, quotas=named.quotas)
    for fast_paths in (True, False):
        result = leximin(counted, fast_paths=fast_paths)
        assert result.k_over_n == pytest.approx(0.1) and result.selectable == 200
        assert result.probabilities == {"fc": pytest.approx(0.1, abs=1e-6),
                                        "fl": pytest.approx(0.1, abs=1e-6),
                                        "mc": pytest.approx(0.1, abs=1e-6)}
    # Fewer men than the quota needs: the shortfall is counted in people.
    short = SelectionProblem(applicants=counted.applicants[:2] + (
        Applicant(id="mc", features={"gender": "male", "leaning": "conservative"}, count=5),),
        seats=20, quotas=named.quotas)
    result = leximin(short)
    assert result.status == "infeasible"
    assert result.conflicts.relaxations[0].available == 5
    with pytest.raises(ValueError):
        publish_panels(leximin(counted), panels=10)
