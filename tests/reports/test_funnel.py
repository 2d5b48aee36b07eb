"""The equity funnel against a known fixture, with small-cell and complementary suppression (k = 5)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from applications.demographics import NOT_ANSWERED
from applications.models import Application, DemographicAccessLog
from cohorts.models import Cohort, Enrollment
from organizers.models import Membership
from organizers.roles import Role
from reports import funnel
from sessions_app.models import CheckInResponse, CheckInRound
from tests.applications.factories import ApplicationFactory, CallFactory, CategoryFactory, demographics, quota
from tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory, member

pytestmark = pytest.mark.django_db
S = Application.Status
E = Enrollment.Status


def _call(program, deadline: dt.datetime):
    cohort = CohortFactory(program=program, enrollment_mode=Cohort.EnrollmentMode.APPLICATION, capacity=4)
    call = CallFactory(cohort=cohort, deadline=deadline)
    CategoryFactory(call=call)
    return call


def _applicant(call, race: str | None, status, enrollment=None, checked_in=False, round_=None):
    application = ApplicationFactory(call=call, status=status)
    if race:
        demographics(application, race=[race])
    if enrollment:
        EnrollmentFactory(cohort=call.cohort, person=application.applicant, status=enrollment)
    if checked_in:
        with scopes_disabled():
            CheckInResponse.objects.create(organizer=call.organizer, round=round_, person=application.applicant,
                                           answers=["Going well"])
    return application


def build_call(organizer):
    """Applied 20: Black 8, White 7, Indigenous 3, no answer 2.
    Selected 14: Black 6, White 5, Indigenous 3 (who declined).
    Enrolled 11: Black 6, White 5.  Completed 10: Black 5, White 5.
    Answered a check-in 7: Black 5, White 2."""
    program = ProgramFactory(organizer=organizer, title="Equity in Leadership")
    call = _call(program, timezone.make_aware(dt.datetime(2025, 3, 1)))
    with scopes_disabled():
        round_ = CheckInRound.objects.create(organizer=organizer, cohort=call.cohort, months_after=1,
                                             due_on=dt.date(2025, 9, 1), questions=["How?"], sent_at=timezone.now())
    for i in range(8):
        if i < 6:
            _applicant(call, "Black", S.ACCEPTED, enrollment=E.COMPLETED if i < 5 else E.CONFIRMED,
                       checked_in=i < 5, round_=round_)
        else:
            _applicant(call, "Black", S.REJECTED)
    for i in range(7):
        if i < 5:
            _applicant(call, "White", S.ACCEPTED, enrollment=E.COMPLETED, checked_in=i < 2, round_=round_)
        else:
            _applicant(call, "White", S.REJECTED)
    for _ in range(3):
        _applicant(call, "Indigenous", S.DECLINED)
    for _ in range(2):
        _applicant(call, None, S.REJECTED)
    _applicant(call, "Asian", S.DRAFT)  # a draft is not an application
    quota(call, "race", "Indigenous", minimum=2)
    return program, call


def shown(table) -> dict[str, list[str]]:
    return {row.value: ["hidden" if c.suppressed else f"{c.count} ({s}%)" for c, s in row.columns]
            for row in table.rows}


def test_call_funnel_counts_shares_and_suppression(organizer):
    _, call = build_call(organizer)
    viewer = member(organizer, Role.ADMIN)
    with scope(organizer=organizer.id):
        [table] = funnel.call_funnel(call, viewer=viewer)
    rows = shown(table)
    few = "hidden"
    #                  applied      selected       enrolled     completed     followed up
    assert rows["Black"] == ["8 (40%)", "6 (43%)", "6 (55%)", "5 (50%)", few]
    assert rows["White"] == ["7 (35%)", few, "5 (45%)", "5 (50%)", few]
    assert rows["Indigenous"] == [few, few, "0 (0%)", "0 (0%)", "0 (0%)"]
    assert rows[NOT_ANSWERED] == [few, "0 (0%)", "0 (0%)", "0 (0%)", "0 (0%)"]
    assert rows["Asian"] == ["0 (0%)"] * 5
    # Selected: Indigenous 3 alone would be 14 - 6 - 5, so White (the next smallest) is hidden too.
    # Followed up: White 2 alone would be 7 - 5, so Black is hidden too.
    assert [c.shown for c in table.totals] == ["20", "14", "11", "10", "7"]
    goals = {row.value: row.goal for row in table.rows}
    assert goals["Indigenous"] == "at least 2 of 4 seats (50%)" and goals["Black"] == ""
    with scopes_disabled():
        [log] = DemographicAccessLog.objects.all()
    assert (log.viewer, log.action) == (viewer, DemographicAccessLog.Action.VIEW)


def test_a_lone_group_hides_the_total():
    counts = funnel.Counts("race", "Race", ["Indigenous", NOT_ANSWERED])
    for stage, _ in funnel.STAGES:
        counts.cells[stage] = {"Indigenous": 3, NOT_ANSWERED: 0}
        counts.totals[stage] = 3
    table = funnel.suppressed_table(counts, k=5)
    assert all(c.suppressed for c in table.totals)
    assert all(share is None for share in table.rows[0].shares)


def test_years_add_calls_up_before_suppressing(organizer):
    program, first = build_call(organizer)
    second = _call(program, timezone.make_aware(dt.datetime(2025, 9, 1)))
    for _ in range(3):
        _applicant(second, "Indigenous", S.SUBMITTED)
        _applicant(second, None, S.SUBMITTED)
    later = _call(program, timezone.make_aware(dt.datetime(2026, 2, 1)))
    for _ in range(5):
        _applicant(later, "White", S.SUBMITTED)
    purged = _call(program, timezone.make_aware(dt.datetime(2026, 3, 1)))
    _applicant(purged, "Black", S.SUBMITTED)
    with scopes_disabled():
        type(purged).objects.filter(id=purged.id).update(demographics_purged_at=timezone.now())
    with scope(organizer=organizer.id):
        calls = list(type(first).objects.filter(cohort__program=program).select_related("cohort"))
        years = funnel.program_funnel(calls, organizer=organizer, viewer=member(organizer, Role.ADMIN))
    assert [y.year for y in years] == [2025, 2026]
    assert sorted(c.id for c in years[0].calls) == sorted([first.id, second.id])
    rows_2025 = shown(years[0].tables[0])
    # 3 + 3 Indigenous and 2 + 3 without an answer: neither is a small cell once the year is added up.
    assert [rows_2025[v][0] for v in ("Black", "White", "Indigenous", NOT_ANSWERED)] == [
        "8 (31%)", "7 (27%)", "6 (23%)", "5 (19%)"]
    assert years[0].tables[0].totals[0].shown == "26"
    rows_2026 = shown(years[1].tables[0])
    assert rows_2026["White"][0] == "5 (100%)" and rows_2026["Black"][0] == "0 (0%)"  # the purged call is left out


def grant(user, organizer):
    with scopes_disabled():
        Membership.objects.filter(user=user, organizer=organizer).update(can_view_demographics=True)


def test_pages_only_with_the_grant_and_logged(organizer, client_for):
    _, call = build_call(organizer)
    admin = member(organizer, Role.ADMIN)
    urls = [reverse("reports:equity_index", kwargs={"organizer_slug": organizer.slug}),
            reverse("reports:equity_call", kwargs={"organizer_slug": organizer.slug, "call_id": call.id}),
            reverse("reports:equity_program", kwargs={"organizer_slug": organizer.slug, "program_id": call.cohort.program_id})]
    for url in urls:
        assert client_for(admin).get(url).status_code == 404
        assert client_for(member(organizer, Role.STAFF)).get(url).status_code == 404
    grant(admin, organizer)
    client = client_for(admin)
    assert "Equity in Leadership" in client.get(urls[0]).content.decode()
    body = re.sub(r">\s+<", "><", client.get(urls[1]).content.decode())
    assert '<th scope="row">Indigenous</th><td class="text-end">hidden</td>' in body
    assert '<th scope="row">Black</th><td class="text-end">8 (40%)</td>' in body
    assert "at least 2 of 4 seats (50%)" in body
    assert "2025" in client.get(urls[2]).content.decode()
    with scopes_disabled():
        assert DemographicAccessLog.objects.filter(viewer=admin, action="view").count() == 2


def test_purged_call_says_so(organizer, client_for):
    _, call = build_call(organizer)
    admin = member(organizer, Role.ADMIN)
    grant(admin, organizer)
    with scopes_disabled():
        type(call).objects.filter(id=call.id).update(demographics_purged_at=timezone.now())
    url = reverse("reports:equity_call", kwargs={"organizer_slug": organizer.slug, "call_id": call.id})
    assert "before its funnel was stored, so it can no longer be shown" in client_for(admin).get(url).content.decode()


def _tables(body: str) -> list[str]:
    return re.findall(r"<table.*?</table>", re.sub(r">\s+<", "><", body), flags=re.S)


def test_a_purged_call_shows_the_same_suppressed_figures_from_the_stored_aggregate(organizer, client_for):
    from applications import services
    from applications.models import DemographicResponse
    from reports.models import StoredFunnel

    program, call = build_call(organizer)
    admin = member(organizer, Role.ADMIN)
    grant(admin, organizer)
    client = client_for(admin)
    url = reverse("reports:equity_call", kwargs={"organizer_slug": organizer.slug, "call_id": call.id})
    before = client.get(url).content.decode()
    with scope(organizer=organizer.id):
        assert services.purge_demographics(call=call) == 19  # 18 applicants and a draft
        assert not DemographicResponse.objects.exists()
        stored = StoredFunnel.objects.get(call=call)
    # Only what the page showed is kept: hidden cells are null, never their small count.
    [table] = stored.tables
    rows = {row["value"]: row["cells"] for row in table["rows"]}
    assert rows["Indigenous"] == [None, None, 0, 0, 0] and rows["White"] == [7, None, 5, 5, None]
    after = client.get(url).content.decode()
    assert _tables(after) == _tables(before) and len(_tables(after)) == 1
    assert "From the stored aggregate." in after and "answers of this call were deleted on" in after
    assert "not counted in those stages" in after  # the cohort (no end date yet) could still move on
    with scopes_disabled():
        assert DemographicAccessLog.objects.filter(viewer=admin, action="view").count() == 2
    # An organizer that raises its threshold later gets it applied to the stored figures too.
    organizer.small_cell_k = 8
    organizer.save()
    with scope(organizer=organizer.id):
        _, [table] = funnel.stored_call_funnel(call, viewer=admin)
    assert shown(table)["Black"][0] == "8 (40%)" and shown(table)["White"][0] == "hidden"
    assert shown(table)["Black"][2] == "hidden" and shown(table)["White"][2] == "hidden"  # 6 and 5: both < 8
    # The program page leaves it out of the years' sums and links to it.
    page = client.get(reverse("reports:equity_program", kwargs={"organizer_slug": organizer.slug,
                                                                "program_id": program.id})).content.decode()
    assert f'href="{url}"' in page


def test_cohort_retention_purges_the_call_and_keeps_its_funnel(organizer):
    from privacy.services import erase_cohort_details
    from reports.models import StoredFunnel

    _, call = build_call(organizer)
    with scope(organizer=organizer.id):
        assert erase_cohort_details(cohort_id=call.cohort_id)
        call.refresh_from_db()
        assert call.demographics_purged_at is not None
        assert StoredFunnel.objects.filter(call=call).exists()
