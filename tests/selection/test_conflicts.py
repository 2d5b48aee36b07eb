"""Infeasible rules are reported with the smallest relaxation, never bent."""

from applications.selection import (INFEASIBLE, Applicant, IntersectionQuota, Quota,
                                    SelectionProblem, build_report, leximin, select_best)


def pool(tribal_yes=1, others=10, extra_ineligible=0):
    people = [Applicant(id=f"t{i}", features={"tribal": "yes", "gender": "woman"}, score=1.0)
              for i in range(tribal_yes)]
    people += [Applicant(id=f"x{i}", features={"tribal": "yes"}, score=1.0, eligible=False)
               for i in range(extra_ineligible)]
    people += [Applicant(id=f"o{i}", score=2.0,
                         features={"tribal": "no", "gender": "man" if i % 2 else "woman"})
               for i in range(others)]
    return tuple(people)


def test_unmeetable_minimum_names_quota_relaxation_and_pool_facts():
    problem = SelectionProblem(
        applicants=pool(tribal_yes=1, extra_ineligible=1), seats=5,
        quotas=(Quota(category="tribal", value="yes", min=3, label="Tribal affiliation: yes"),))
    result = select_best(problem)
    assert result.status == INFEASIBLE
    assert result.selected == () and result.objective is None
    (relax,) = result.conflicts.relaxations
    assert (relax.kind, relax.bound, relax.limit, relax.relax_by) == ("quota", "min", 3, 2)
    assert (relax.available, relax.in_pool) == (1, 2)
    assert relax.message == (
        "the 'Tribal affiliation: yes' minimum of 3 cannot be met: only 1 eligible applicant "
        "(2 in the pool) has it; relaxing it by 2 makes selection possible")
    assert result.conflicts.total_relaxation == 2


def test_smallest_relaxation_moves_fewest_rules():
    # 4 seats cannot hold 3 women and 3 men: relax one quota by 2 (not both by 1).
    people = tuple(Applicant(id=f"{g}{i}", features={"gender": g}) for g in "wm" for i in range(5))
    problem = SelectionProblem(applicants=people, seats=4, quotas=(
        Quota(category="gender", value="w", min=3), Quota(category="gender", value="m", min=3)))
    report = select_best(problem).conflicts
    assert report.total_relaxation == 2
    assert [(r.bound, r.relax_by) for r in report.relaxations] == [("min", 2)]
    assert "not enough fit with the other rules" in report.relaxations[0].message


def test_maximum_broken_by_fixed_in_people():
    people = [Applicant(id=f"w{i}", features={"gender": "w"}, fixed_in=True) for i in range(3)]
    people += [Applicant(id=f"m{i}", features={"gender": "m"}) for i in range(3)]
    problem = SelectionProblem(applicants=tuple(people), seats=4,
                               quotas=(Quota(category="gender", value="w", max=2),))
    (relax,) = select_best(problem).conflicts.relaxations
    assert (relax.bound, relax.limit, relax.relax_by) == ("max", 2, 1)


def test_too_few_applicants_for_seats_and_intersection():
    problem = SelectionProblem(
        applicants=pool(tribal_yes=1, others=2), seats=5,
        intersections=(IntersectionQuota(conditions={"tribal": "yes", "gender": "woman"}, min=1),))
    report = select_best(problem).conflicts
    assert [(r.kind, r.relax_by) for r in report.relaxations] == [("seats", 2)]
    assert "only 3 eligible applicants can be selected" in report.relaxations[0].message


def test_team_fixed_in_and_out_is_a_structural_conflict():
    people = (Applicant(id="a", team="T", fixed_in=True),
              Applicant(id="b", team="T", fixed_out=True), Applicant(id="c"))
    result = select_best(SelectionProblem(applicants=people, seats=2))
    assert result.status == INFEASIBLE and "team 'T'" in result.conflicts.structural[0]


def test_leximin_and_report_share_the_conflict_report():
    problem = SelectionProblem(
        applicants=pool(tribal_yes=1), seats=5,
        quotas=(Quota(category="tribal", value="yes", min=3),))
    lex = leximin(problem)
    assert lex.status == INFEASIBLE and not lex.feasible
    assert [r.relax_by for r in lex.conflicts.relaxations] == [2]
    report = build_report(select_best(problem)).to_dict()
    assert report["status"] == INFEASIBLE
    assert report["result"]["conflicts"]["relaxations"][0]["relax_by"] == 2
    assert {row["reason_codes"] for row in report["rows"]} == {"no_cohort"}


def test_minimum_above_maximum_is_reported_as_such():
    people = tuple(Applicant(id=f"p{i}", features={"g": "w"}) for i in range(5))
    problem = SelectionProblem(applicants=people, seats=3, quotas=(
        Quota(category="g", value="w", min=3, max=2),))
    result = select_best(problem)
    assert result.status == INFEASIBLE
    assert result.conflicts.structural == ("the 'g: w' minimum of 3 is above its maximum of 2",)
    assert leximin(problem).conflicts.structural == result.conflicts.structural
