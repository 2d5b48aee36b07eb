"""Per-applicant explanations and the exported report."""

import json

from applications.selection import (REPORT_COLUMNS, Applicant, Quota, SelectionProblem,
                                    build_report, explain_best, select_best,
                                    select_replacements)


def codes(explanations, applicant_id):
    return [r.code for r in explanations[applicant_id].reasons]


def problem():
    people = [
        Applicant(id="quota-only", features={"region": "north"}, score=0.5),
        Applicant(id="star", features={"region": "south"}, score=9.0, organization="X"),
        Applicant(id="star-2", features={"region": "south"}, score=8.0, organization="X"),
        Applicant(id="mid", features={"region": "south", "age": "young"}, score=5.0),
        Applicant(id="mid-2", features={"region": "south", "age": "young"}, score=4.5),
        Applicant(id="low", features={"region": "south"}, score=1.0),
        Applicant(id="tooLow", features={"region": "south"}, score=0.1),
        Applicant(id="staff-out", features={"region": "south"}, score=9.5, fixed_out=True),
        Applicant(id="staff-in", features={"region": "south"}, score=0.0, fixed_in=True),
    ]
    return SelectionProblem(
        applicants=tuple(people), seats=4, max_per_organization=1, min_score=0.2,
        quotas=(Quota(category="region", value="north", min=1),
                Quota(category="age", value="young", max=1)))


def test_counterfactual_reasons_for_small_pools():
    result = select_best(problem())
    assert set(result.selected) == {"quota-only", "star", "mid", "staff-in"}
    why = explain_best(result)
    assert codes(why, "quota-only") == ["needed_for_quota"]
    assert "'region: north'" in why["quota-only"].reasons[0].text
    assert codes(why, "star") == ["score"]
    assert codes(why, "star-2") == ["org_limit"]
    assert "organization X" in why["star-2"].reasons[0].text
    assert codes(why, "mid-2") == ["category_max"]
    assert codes(why, "low") == ["score_below"]
    assert codes(why, "tooLow") == ["below_min_score"]
    assert codes(why, "staff-out") == ["fixed_out"]
    assert codes(why, "staff-in") == ["fixed_in"]
    assert why["star"].selected and not why["low"].selected


def test_structural_reasons_for_large_pools_agree_here():
    result = select_best(problem())
    why = explain_best(result, resolve_limit=0)
    assert codes(why, "quota-only") == ["needed_for_quota"]
    assert codes(why, "star-2") == ["org_limit"]
    assert codes(why, "mid-2") == ["category_max"]
    assert codes(why, "low") == ["score_below"]


def test_tie_break_is_named_as_the_reason():
    people = tuple(Applicant(id=f"p{i}", score=1.0) for i in range(4))
    result = select_best(SelectionProblem(applicants=people, seats=2, seed=5))
    why = explain_best(result)
    assert {c for a in why for c in codes(why, a)} == {"tie_break"}


def test_replacements_are_marked():
    result = select_replacements(problem(), accepted=["star", "staff-in", "mid"],
                                 declined=["quota-only"])
    assert result.status == "infeasible"  # the only northerner declined
    result = select_replacements(problem(), accepted=["star", "staff-in", "quota-only"],
                                 declined=["mid"])
    assert result.replacements == ("mid-2",)
    assert codes(explain_best(result), "mid-2")[0] == "replacement"


def test_report_rows_and_snapshot_are_stable_and_serialisable():
    result = select_best(problem())
    report = build_report(result)
    rows = report.report_rows()
    assert [r["applicant_id"] for r in rows] == [a.id for a in problem().applicants]
    assert all(tuple(r) == REPORT_COLUMNS for r in rows)
    by_id = {r["applicant_id"]: r for r in rows}
    assert by_id["tooLow"]["eligible"] is False and by_id["staff-out"]["fixed"] == "out"
    assert by_id["quota-only"]["selected"] is True
    snapshot = json.loads(json.dumps(report.to_dict()))
    assert snapshot["seed"] == 0 and snapshot["solver"].startswith("HiGHS 1.")
    assert snapshot["settings"]["max_per_organization"] == 1
    assert snapshot["settings"]["quotas"][0] == {
        "category": "region", "value": "north", "min": 1, "max": None, "share": None,
        "label": "region: north", "reserved": False}
    assert sorted(snapshot["result"]["selected"]) == sorted(result.selected)
