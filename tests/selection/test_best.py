"""Best-representing cohort: quotas, teams, organizations, ties, replacements."""

import pytest

from applications.selection import (INFEASIBLE, OPTIMAL, Applicant, IntersectionQuota, Quota,
                                    SelectionProblem, select_best, select_replacements,
                                    solver_version)

from ._checks import violations


def person(id, score=1.0, **features):
    extra = {k: features.pop(k) for k in ("organization", "team", "priority", "eligible",
                                          "fixed_in", "fixed_out") if k in features}
    return Applicant(id=id, score=score, features=features, **extra)


def test_quota_beats_score_and_result_is_reported():
    pool = [person(f"m{i}", score=9.0, gender="man") for i in range(6)]
    pool += [person(f"w{i}", score=float(i), gender="woman") for i in range(4)]
    problem = SelectionProblem(applicants=tuple(pool), seats=4,
                               quotas=(Quota(category="gender", value="woman", min=2),))
    result = select_best(problem)
    assert result.status == OPTIMAL
    assert not violations(problem, result.selected)
    # The two best-scoring women fill the quota, the rest goes on score.
    assert {"w3", "w2"} <= set(result.selected)
    assert sum(1 for i in result.selected if i.startswith("m")) == 2
    assert result.objective == pytest.approx(9 * 2 + 3 + 2)
    assert result.solver == "HiGHS" and result.solver_version == solver_version()
    assert result.solver_version.count(".") == 2
    assert result.timings["total"] > 0


def test_quota_maximum_and_share_are_respected():
    pool = [person(f"a{i}", score=10.0 - i, group="a") for i in range(10)]
    pool += [person(f"b{i}", score=1.0, group="b") for i in range(10)]
    problem = SelectionProblem(applicants=tuple(pool), seats=10,
                               quotas=(Quota(category="group", value="a", share=0.55),))
    result = select_best(problem)
    # share 0.55 of 10 seats -> between 5 and 6; scores push to the maximum of 6.
    assert sum(1 for i in result.selected if i.startswith("a")) == 6


def test_intersection_quota_and_reserved_seats():
    pool = [person(f"iw{i}", score=0.0, race="Indigenous", gender="woman") for i in range(2)]
    pool += [person(f"im{i}", score=5.0, race="Indigenous", gender="man") for i in range(3)]
    pool += [person(f"ow{i}", score=6.0, race="other", gender="woman") for i in range(3)]
    pool += [person(f"r{i}", score=0.5, race="other", gender="man", position="rightsholder")
             for i in range(3)]
    problem = SelectionProblem(
        applicants=tuple(pool), seats=5,
        quotas=(Quota(category="position", value="rightsholder", min=2,
                      label="rightsholder positions", reserved=True),),
        intersections=(IntersectionQuota(conditions={"race": "Indigenous", "gender": "woman"},
                                         min=1),),
    )
    result = select_best(problem)
    assert not violations(problem, result.selected)
    chosen = set(result.selected)
    assert len(chosen & {"iw0", "iw1"}) == 1
    assert len(chosen & {"r0", "r1", "r2"}) == 2


def test_minimum_score_makes_applicants_ineligible():
    pool = [person("low", score=1.0, gender="woman"), person("none", score=None, gender="woman"),
            person("ok", score=3.0, gender="man"), person("ok2", score=2.0, gender="man")]
    problem = SelectionProblem(applicants=tuple(pool), seats=2, min_score=2.0)
    assert set(select_best(problem).selected) == {"ok", "ok2"}
    needs_woman = SelectionProblem(applicants=tuple(pool), seats=2, min_score=2.0,
                                   quotas=(Quota(category="gender", value="woman", min=1),))
    result = select_best(needs_woman)
    assert result.status == INFEASIBLE and result.selected == ()
    (relax,) = result.conflicts.relaxations
    assert (relax.name, relax.available, relax.in_pool) == ("gender: woman", 0, 2)


def test_priority_weight_counts_in_objective():
    pool = [person("member", score=3.0, priority=1.0), person("other", score=3.5)]
    problem = SelectionProblem(applicants=tuple(pool), seats=1)
    assert select_best(problem).selected == ("member",)


def test_fixed_in_and_out_are_honoured():
    pool = [person(f"p{i}", score=float(i)) for i in range(6)]
    pool[0] = person("p0", score=0.0, fixed_in=True)
    pool[5] = person("p5", score=5.0, fixed_out=True)
    problem = SelectionProblem(applicants=tuple(pool), seats=3)
    assert set(select_best(problem).selected) == {"p0", "p4", "p3"}


def test_hard_organization_limit():
    pool = [person(f"x{i}", score=9.0, organization="X") for i in range(3)]
    pool += [person(f"y{i}", score=1.0, organization="Y") for i in range(3)]
    pool += [person("solo", score=0.5)]
    problem = SelectionProblem(applicants=tuple(pool), seats=3, max_per_organization=1)
    result = select_best(problem)
    assert sorted(i[0] for i in result.selected) == ["s", "x", "y"]
    assert not violations(problem, result.selected)


def test_soft_organization_limit_only_when_representation_needs_it():
    # Org X has the best scores, but the soft limit keeps one per org while possible.
    pool = [person(f"x{i}", score=9.0, organization="X", region="north") for i in range(3)]
    pool += [person(f"y{i}", score=1.0, organization=f"Y{i}", region="south") for i in range(3)]
    soft = SelectionProblem(applicants=tuple(pool), seats=3, max_per_organization=1,
                            soft_organization_limit=True)
    result = select_best(soft)
    assert result.organization_excess == 0
    assert sum(1 for i in result.selected if i.startswith("x")) == 1
    # Two northerners are required and only org X has them: one extra from X.
    needs = SelectionProblem(applicants=tuple(pool), seats=3, max_per_organization=1,
                             soft_organization_limit=True,
                             quotas=(Quota(category="region", value="north", min=2),))
    result = select_best(needs)
    assert result.status == OPTIMAL and result.organization_excess == 1
    assert sum(1 for i in result.selected if i.startswith("x")) == 2
    hard = SelectionProblem(applicants=tuple(pool), seats=3, max_per_organization=1,
                            quotas=(Quota(category="region", value="north", min=2),))
    result = select_best(hard)
    assert result.status == INFEASIBLE
    kinds = {(r.kind, r.relax_by) for r in result.conflicts.relaxations}
    assert kinds in ({("organization", 1)}, {("quota", 1)})


def test_teams_are_all_or_nothing_and_count_seats():
    pool = [person(f"t{i}", score=10.0, team="T") for i in range(3)]
    pool += [person(f"s{i}", score=1.0) for i in range(4)]
    # Team of 3 fits in 4 seats: whole team plus one single.
    problem = SelectionProblem(applicants=tuple(pool), seats=4)
    assert {"t0", "t1", "t2"} <= set(select_best(problem).selected)
    # With 2 seats the team cannot be split, however good its scores.
    problem = SelectionProblem(applicants=tuple(pool), seats=2)
    assert not set(select_best(problem).selected) & {"t0", "t1", "t2"}
    # Required team size 2: the 3-person team is not selectable.
    problem = SelectionProblem(applicants=tuple(pool), seats=4, team_size=2)
    assert not set(select_best(problem).selected) & {"t0", "t1", "t2"}


def test_team_with_ineligible_member_is_out_and_fixed_member_pulls_team_in():
    pool = [person("t0", score=10.0, team="T"), person("t1", score=10.0, team="T", eligible=False)]
    pool += [person(f"s{i}", score=1.0) for i in range(3)]
    problem = SelectionProblem(applicants=tuple(pool), seats=2)
    assert set(select_best(problem).selected) <= {"s0", "s1", "s2"}
    pool[0] = person("t0", score=0.0, team="T", fixed_in=True)
    problem = SelectionProblem(applicants=tuple(pool), seats=2)
    assert set(select_best(problem).selected) == {"t0", "t1"}


def test_same_seed_same_cohort_and_seed_breaks_ties():
    pool = tuple(person(f"p{i:02d}", score=5.0) for i in range(30))
    cohorts = {select_best(SelectionProblem(applicants=pool, seats=5, seed=s)).selected
               for s in range(6)}
    assert len(cohorts) > 1  # different seeds break the ties differently
    again = select_best(SelectionProblem(applicants=pool, seats=5, seed=3)).selected
    assert again == select_best(SelectionProblem(applicants=pool, seats=5, seed=3)).selected


def test_tie_break_never_outweighs_a_real_score_difference():
    pool = [person(f"p{i:02d}", score=5.0) for i in range(30)]
    pool.append(person("best", score=5.0001))
    for seed in range(5):
        result = select_best(SelectionProblem(applicants=tuple(pool), seats=1, seed=seed))
        assert result.selected == ("best",)


def test_replacement_keeps_quota_with_a_matching_person():
    pool = [person(f"w{i}", score=10.0 - i, gender="woman") for i in range(4)]
    pool += [person(f"m{i}", score=20.0 - i, gender="man") for i in range(6)]
    problem = SelectionProblem(applicants=tuple(pool), seats=4,
                               quotas=(Quota(category="gender", value="woman", min=2),))
    first = select_best(problem)
    assert set(first.selected) == {"w0", "w1", "m0", "m1"}
    result = select_replacements(problem, accepted=["w0", "m0", "m1"], declined=["w1"])
    assert result.status == OPTIMAL
    assert {"w0", "m0", "m1"} <= set(result.selected) and "w1" not in result.selected
    assert result.replacements == ("w2",)  # a woman, not the better-scoring m2
    assert not violations(problem.with_fixed(fixed_in=["w0", "m0", "m1"], fixed_out=["w1"]),
                          result.selected)


def test_replacement_impossible_is_reported():
    pool = [person("i0", score=1.0, tribal="yes"), person("i1", score=1.0, tribal="yes")]
    pool += [person(f"o{i}", score=5.0, tribal="no") for i in range(5)]
    problem = SelectionProblem(applicants=tuple(pool), seats=4,
                               quotas=(Quota(category="tribal", value="yes", min=2,
                                             label="Tribal affiliation: yes"),))
    first = select_best(problem)
    assert {"i0", "i1"} <= set(first.selected)
    result = select_replacements(problem, accepted=["i0"], declined=["i1"],
                                 pending=[i for i in first.selected if i.startswith("o")])
    assert result.status == INFEASIBLE and result.selected == () and result.replacements == ()
    (relax,) = result.conflicts.relaxations
    assert relax.name == "Tribal affiliation: yes" and relax.relax_by == 1
    assert relax.available == 1 and relax.in_pool == 2
