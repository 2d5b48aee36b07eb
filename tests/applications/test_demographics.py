"""Special-category data: individual answers only with the dedicated permission, logged;
everyone else sees aggregates with small cells suppressed."""

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled


from applications.demographics import Cell, suppress
from applications.models import DemographicAccessLog, DemographicResponse
from organizers.models import Membership
from organizers.roles import Role
from tests.factories import member

from . import scenario
from .factories import CategoryFactory, demographics

pytestmark = pytest.mark.django_db

SECRET = "Lummi Nation"


@pytest.fixture
def s(organizer, client_for, django_capture_on_commit_callbacks):
    s = scenario.build(organizer, pool=scenario.POOL[:5])  # both Indigenous applicants are needed
    CategoryFactory(call=s.call, key="tribe", label="Tribal affiliation", values=f"{SECRET}\nTulalip Tribes")
    with scopes_disabled():
        response = DemographicResponse.objects.get(application=s.people["Indigenous One"])
        response.answers = {**response.answers, "tribe": [SECRET]}
        response.save()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(s.staff).post(s.url("start_run", call_id=s.call.pk), {"kind": "best", "seed": "3"})
    with scopes_disabled():
        s.run = s.call.runs.get()
    return s


def grant(user, organizer):
    with scopes_disabled():
        Membership.objects.filter(user=user, organizer=organizer).update(can_view_demographics=True)


def per_person(body: str) -> str:
    """The per-applicant part of a page or CSV (the CSV's settings rows name the quotas, not people)."""
    if body.startswith("# run"):
        return "\n".join(line for line in body.splitlines() if not line.startswith("# "))
    return body


def pages_about_individuals(s):
    app = s.people["Indigenous One"]
    return [
        s.url("staff_application", application_id=app.pk),
        s.url("run_detail", run_id=s.run.pk),
        s.url("run_csv", run_id=s.run.pk),
        s.url("staff_applications", call_id=s.call.pk),
    ]


def test_staff_without_the_grant_never_see_individual_answers(s, client_for):
    client = client_for(s.staff)
    for url in pages_about_individuals(s):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET not in body, url
        assert "Demographic self-identification" not in body, url
        # Explanations that would name the quota a person was needed for are generic.
        assert "Race or ethnicity: Indigenous" not in per_person(body), url
    assert "needed to meet a representation quota" in client.get(s.url("run_detail", run_id=s.run.pk)).content.decode()
    with scopes_disabled():
        assert not DemographicAccessLog.objects.exists()


def test_reviewer_does_not_see_answers_unless_call_allows_and_granted(s, organizer, client_for):
    reviewer = member(organizer, Role.REVIEWER)
    client = client_for(reviewer)
    url = s.url("review_application", application_id=s.people["Indigenous One"].pk)
    assert SECRET not in client.get(url).content.decode()
    grant(reviewer, organizer)
    assert SECRET not in client.get(url).content.decode()  # the call does not allow it
    with scopes_disabled():
        s.call.reviewers_see_demographics = True
        s.call.save()
    assert SECRET in client.get(url).content.decode()
    with scopes_disabled():
        (log,) = DemographicAccessLog.objects.all()
    assert log.viewer == reviewer and log.action == "view" and log.application == s.people["Indigenous One"]
    # Reviewers cannot reach staff pages or the report at all.
    for page in pages_about_individuals(s):
        assert client.get(page).status_code == 404


def test_another_applicant_cannot_reach_someone_elses_answers(s, client_for):
    other = client_for(s.people["White One"].applicant)
    target = s.people["Indigenous One"].pk
    for name in ("application_status", "my_demographics"):
        assert other.get(s.url(name, application_id=target)).status_code == 404
    assert other.post(s.url("my_demographics", application_id=target)).status_code == 404
    with scopes_disabled():
        assert DemographicResponse.objects.filter(application_id=target).exists()


def test_granted_staff_read_individual_answers_and_each_read_is_logged(s, organizer, client_for):
    grant(s.staff, organizer)
    client = client_for(s.staff)
    app = s.people["Indigenous One"]
    body = client.get(s.url("staff_application", application_id=app.pk)).content.decode()
    assert SECRET in body and "this read is logged" in body
    csv = client.get(s.url("run_csv", run_id=s.run.pk)).content.decode()
    assert "Race or ethnicity: Indigenous" in per_person(csv)  # exact reasons for the permission holder
    with scopes_disabled():
        actions = sorted(DemographicAccessLog.objects.values_list("action", flat=True))
    assert actions == ["export", "view"]
    log = client.get(s.url("access_log")).content.decode()
    assert "Indigenous One" in log and "Exported" in log and "Viewed" in log
    assert client_for(member(organizer, Role.STAFF)).get(s.url("access_log")).status_code == 404  # no grant


def test_applicant_sees_and_deletes_their_own_answers(s, client_for):
    app = s.people["Indigenous One"]
    client = client_for(app.applicant)
    url = s.url("my_demographics", application_id=app.pk)
    body = client.get(url).content.decode()
    assert SECRET in body and "Indigenous" in body and "I consent." in body
    body = client.post(url, follow=True).content.decode()
    assert "Your demographic answers are deleted" in body and SECRET not in body
    with scopes_disabled():
        assert not DemographicResponse.objects.filter(application=app).exists()
        assert DemographicAccessLog.objects.get().action == "delete"


def test_pool_dashboard_suppresses_small_cells(s, organizer, client_for):
    client = client_for(s.staff)

    def dashboard() -> str:
        return re.sub(r">\s+<", "><", client.get(s.url("pool", call_id=s.call.pk)).content.decode())

    body = dashboard()
    # Two Indigenous applicants, two White, one Black, one Lummi Nation: all fewer than k=5.
    assert '<th scope="row">Race or ethnicity: Indigenous</th><td>2</td><td>—</td><td>hidden</td>' in body
    assert '<th scope="row">Indigenous</th><td>hidden</td>' in body
    assert f'<th scope="row">{SECRET}</th><td>hidden</td>' in body
    grant(s.staff, organizer)
    body = dashboard()
    assert '<th scope="row">Indigenous</th><td>2</td>' in body
    assert f'<th scope="row">{SECRET}</th><td>1</td>' in body and "<td>hidden</td>" not in body


def test_complementary_suppression_hides_a_second_cell():
    cells = [Cell("White", 6), Cell("Black", 5), Cell("Indigenous", 2), Cell("Not answered", 0)]
    hide_total = suppress(cells, total=13, k=5)
    assert [c.shown for c in cells] == ["6", "hidden", "hidden", "0"]
    assert not hide_total
    # With nothing else to hide, the total goes instead.
    cells = [Cell("Indigenous", 2), Cell("Not answered", 0)]
    assert suppress(cells, total=2, k=5) is True


def test_retention_purges_answers_after_selection(s, organizer, client_for, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from applications import tasks

    with django_capture_on_commit_callbacks(execute=True):
        client_for(s.staff).post(s.url("confirm_run", run_id=s.run.pk))
    assert tasks.purge_demographics() == 0  # retention (30 days) has not run out
    with scopes_disabled():
        s.call.refresh_from_db()
        s.call.selection_confirmed_at = timezone.now() - dt.timedelta(days=31)
        s.call.save()
    assert tasks.purge_demographics() == 5
    with scopes_disabled():
        assert not DemographicResponse.objects.exists()
        assert DemographicAccessLog.objects.get().action == "purge"


def test_quota_table_hides_the_cell_the_category_table_hides_to_protect_another(organizer, client_for):
    from .factories import ApplicationFactory, CallFactory, quota

    call = CallFactory(cohort__program__organizer=organizer, cohort__capacity=5)
    CategoryFactory(call=call, key="region", label="Region", multiple=False, values="North\nSouth\nIsland")
    quota(call, "region", "South", minimum=1)
    for region, n in (("North", 8), ("South", 6), ("Island", 2)):
        for _ in range(n):
            demographics(ApplicationFactory(call=call), region=[region])
    staff = client_for(member(organizer, Role.STAFF))
    body = re.sub(r">\s+<", "><", staff.get(reverse("applications:pool", kwargs={
        "organizer_slug": organizer.slug, "call_id": call.pk})).content.decode())
    # Island (2) is hidden; South (6) is hidden with it so 16 - 8 - South cannot reveal Island...
    assert '<th scope="row">Island</th><td>hidden</td>' in body
    assert '<th scope="row">South</th><td>hidden</td>' in body
    assert '<th scope="row">North</th><td>8</td>' in body
    # ...and the quota on South does not give the 6 away either.
    assert '<th scope="row">Region: South</th><td>1</td><td>—</td><td>hidden</td>' in body
    # South's 6 is not labelled "fewer than 5" (untrue); the legend says what "hidden" covers, without
    # telling the two kinds apart (which would give Island away).
    assert "fewer than 5</td>" not in body
    assert ("“hidden”: either a group of fewer than 5 people, or a cell hidden so that such a small group "
            "can&#x27;t be worked out from the rest") in body
