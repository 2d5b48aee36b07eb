"""LEXIMIN probabilities and the published lottery."""

import math
from collections import Counter

import pytest

from applications.selection import (Applicant, Quota, SelectionProblem, build_report,
                                    draw_lottery, leximin, publish_panels, select_best)

from ._checks import violations
from .pools import starvation_problem


@pytest.fixture(scope="module")
def starvation():
    return leximin(starvation_problem(seed=7))


def test_starvation_pool_gives_everyone_ten_percent(starvation):
    assert starvation.status == "optimal"
    assert starvation.k_over_n == pytest.approx(0.1)
    assert len(starvation.probabilities) == 200
    for applicant, p in starvation.probabilities.items():
        assert p == pytest.approx(0.1, abs=1e-6), applicant
    assert sum(starvation.probabilities.values()) == pytest.approx(20, abs=1e-6)
    assert starvation.n_types == 3  # 200 people, three interchangeable types
    assert sum(starvation.weights) == pytest.approx(1.0)


def test_best_score_selection_starves_nobody_but_is_not_fair():
    """Contrast: when the lone conservative woman scores highest, best-cohort
    selection takes her in every run (probability 1, ten times her share)."""
    problem = starvation_problem()
    people = tuple(Applicant(id=a.id, features=a.features, score=2.0 if a.id == "fc" else 1.0)
                   for a in problem.applicants)
    for seed in range(5):
        result = select_best(SelectionProblem(applicants=people, seats=20,
                                              quotas=problem.quotas, seed=seed))
        assert "fc" in result.selected


def test_every_panel_in_the_support_meets_every_rule(starvation):
    problem = starvation_problem(seed=7)
    published = publish_panels(starvation, panels=1000)
    assert len(published.panels) == 1000
    for panel in set(published.panels):
        assert not violations(problem, panel)


def test_lottery_rounding_and_empirical_frequencies(starvation):
    published = publish_panels(starvation, panels=1000)
    assert published.max_change <= 1e-3 + 1e-9
    for p in published.probabilities.values():
        assert p == pytest.approx(0.1, abs=1e-3)
    draws = 2000
    counts = Counter()
    for seed in range(draws):
        counts.update(published.draw(seed=seed).selected)
    # Binomial(2000, 0.1): mean 200, sd ~13.4; allow 5 sd for each person.
    bound = 5 * math.sqrt(draws * 0.1 * 0.9)
    for applicant in starvation.probabilities:
        assert abs(counts[applicant] - draws * 0.1) < bound, applicant
    by_type = Counter()
    for applicant, n in counts.items():
        by_type[applicant[:2]] += n
    assert by_type["fl"] / (99 * draws) == pytest.approx(0.1, abs=0.005)
    assert by_type["mc"] / (100 * draws) == pytest.approx(0.1, abs=0.005)


def test_draw_is_reproducible_from_the_published_seed(starvation):
    a = draw_lottery(starvation, seed=2024)
    b = draw_lottery(starvation, seed=2024)
    assert a.selected == b.selected and a.index == b.index
    assert len(a.selected) == 20
    assert {draw_lottery(starvation, seed=s).index for s in range(10)} != {a.index}


def test_fixed_and_ineligible_probabilities_and_report():
    people = [Applicant(id="in", features={"g": "w"}, fixed_in=True),
              Applicant(id="out", features={"g": "w"}, fixed_out=True),
              Applicant(id="low", features={"g": "w"}, score=0.0)]
    people += [Applicant(id=f"w{i}", features={"g": "w"}, score=3.0) for i in range(3)]
    people += [Applicant(id=f"m{i}", features={"g": "m"}, score=3.0) for i in range(6)]
    problem = SelectionProblem(applicants=tuple(people), seats=4, min_score=1.0,
                               quotas=(Quota(category="g", value="w", min=2, max=2),))
    result = leximin(problem)
    probs = result.probabilities
    assert probs["in"] == 1.0 and probs["out"] == 0.0 and probs["low"] == 0.0
    # One more woman among three, two men among six.
    assert probs["w0"] == pytest.approx(1 / 3, abs=1e-6)
    assert probs["m0"] == pytest.approx(1 / 3, abs=1e-6)
    assert result.k_over_n == pytest.approx(4 / 10)
    lottery = draw_lottery(result, panels=999, seed=1)
    rows = {r["applicant_id"]: r for r in build_report(lottery).report_rows()}
    assert rows["in"]["reason_codes"] == "fixed_in" and rows["in"]["selected"]
    assert rows["out"]["reason_codes"] == "fixed_out"
    assert rows["low"]["reason_codes"] == "below_min_score"
    drawn = [r for r in rows.values() if r["reason_codes"] == "lottery_drawn"]
    assert len(drawn) == 3 and all("probability 33.3%" in r["reasons"] for r in drawn)


def test_teams_share_one_probability_and_soft_org_limit():
    people = [Applicant(id=f"t{i}", features={"g": "w"}, team="T") for i in range(2)]
    people += [Applicant(id=f"x{i}", features={"g": "w"}, organization="X") for i in range(3)]
    people += [Applicant(id=f"m{i}", features={"g": "m"}) for i in range(4)]
    problem = SelectionProblem(applicants=tuple(people), seats=4, max_per_organization=1,
                               soft_organization_limit=True,
                               quotas=(Quota(category="g", value="w", min=3),))
    result = leximin(problem)
    probs = result.probabilities
    assert probs["t0"] == pytest.approx(probs["t1"])
    assert sum(probs.values()) == pytest.approx(4, abs=1e-6)
    for panel in set(publish_panels(result, panels=200).panels):
        assert not violations(problem, panel)
        assert sum(1 for i in panel if i.startswith("x")) <= 1  # no excess ever needed


def test_second_level_raises_everyone_not_held_down_by_the_first():
    # At most one woman among 4 seats: women can get 1/5 each at best, and
    # LEXIMIN then gives the remaining seats to the men (3 seats / 5 men).
    people = [Applicant(id=f"w{i}", features={"g": "w"}) for i in range(5)]
    people += [Applicant(id=f"m{i}", features={"g": "m"}) for i in range(5)]
    problem = SelectionProblem(applicants=tuple(people), seats=4,
                               quotas=(Quota(category="g", value="w", max=1),))
    result = leximin(problem)
    for i in range(5):
        assert result.probabilities[f"w{i}"] == pytest.approx(0.2, abs=1e-6)
        assert result.probabilities[f"m{i}"] == pytest.approx(0.6, abs=1e-6)
    assert result.levels == 2
