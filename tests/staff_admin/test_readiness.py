"""Each readiness rule names what a call, cohort or program lacks; a call with a blocking item stays closed."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from applications.models import ApplicationCall, ReviewerAssignment
from applications.selectors import open_calls
from cohorts.models import Cohort, Program
from organizers.roles import Role
from sessions_app.models import Session
from tests.applications.factories import CallFactory, CategoryFactory, QuestionFactory, RubricFactory, intersection, quota
from tests.factories import CohortFactory, ProgramFactory, member
from workplace.readiness import blocking, call_checklist, cohort_checklist, program_checklist

from .formdata import form_as_shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_call(organizer):
    """A call with everything it needs: the base every test breaks one rule of."""
    call = CallFactory(cohort__program__organizer=organizer, reviews_wanted=2, ask_demographics=True)
    QuestionFactory(call=call)
    CategoryFactory(call=call, key="position", values="Rightsholder\nStaff")
    RubricFactory(call=call)
    with scopes_disabled():
        for n in range(2):
            ReviewerAssignment.objects.create(
                organizer=organizer, call=call, reviewer=member(organizer, Role.REVIEWER)
            )
    return call


def _messages(call):
    with scope(organizer=call.organizer):
        call = ApplicationCall.objects.select_related("cohort__program", "cohort__organizer").get(pk=call.pk)
        return [c.message for c in blocking(call_checklist(call))]


def test_a_complete_call_is_ready(ready_call):
    assert _messages(ready_call) == []


def test_no_questions(ready_call):
    with scopes_disabled():
        ready_call.questions.all().delete()
    assert _messages(ready_call) == ["Add at least one question of your own to the form."]


def test_a_quota_on_a_value_that_is_not_an_option(ready_call):
    quota(ready_call, "position", "Rightsholders", 2)
    assert _messages(ready_call) == [
        "Quota “position: Rightsholders”: “Rightsholders” is not an answer option of “position”. "
        "Options: “Rightsholder”, “Staff”."
    ]


def test_a_quota_on_a_category_that_does_not_exist(ready_call):
    intersection(ready_call, {"gender": "Woman"}, 1)
    assert "is not a demographic category of this call" in _messages(ready_call)[0]


def test_a_category_with_no_answer_option(ready_call):
    CategoryFactory(call=ready_call, key="region", values="Prefer not to say")
    assert _messages(ready_call) == ["The demographic category “region” has no answer options."]


def test_fewer_reviewers_than_reviews_per_application(ready_call):
    with scopes_disabled():
        ready_call.reviewer_assignments.first().delete()
    assert _messages(ready_call) == ["Each application wants 2 reviews but only 1 reviewer can review this call."]


def test_no_rubric(ready_call):
    with scopes_disabled():
        ready_call.rubric.all().delete()
    assert _messages(ready_call) == ["Add rubric categories for the reviewers to score."]


def test_a_deadline_after_the_cohort_starts(ready_call):
    cohort = ready_call.cohort
    with scopes_disabled():
        ApplicationCall.objects.filter(pk=ready_call.pk).update(
            deadline=timezone.make_aware(dt.datetime.combine(cohort.starts_on, dt.time(12)), cohort.time_zone)
        )
    assert _messages(ready_call) == [
        f"The deadline ({cohort.starts_on:%d %b %Y}) is not before the cohort starts ({cohort.starts_on:%d %b %Y})."
    ]


def test_more_reserved_seats_than_seats(ready_call):
    quota(ready_call, "position", "Rightsholder", 5, reserved=True)  # the factory's cohort has 4 seats
    assert _messages(ready_call) == ["Reserved seats (5) are more than the seats to fill (4)."]


def test_quotas_without_asking_for_demographics(ready_call):
    quota(ready_call, "position", "Staff", 1)
    with scopes_disabled():
        ApplicationCall.objects.filter(pk=ready_call.pk).update(ask_demographics=False)
    assert _messages(ready_call) == [
        "The call has quotas but its form does not ask for demographics, so they count nobody."
    ]


def test_a_call_that_is_not_ready_stays_closed_after_saving_and_says_why(ready_call, staff_user, client_for):
    with scopes_disabled():
        ready_call.questions.all().delete()
    client = client_for(staff_user)
    url = f"/admin/applications/applicationcall/{ready_call.pk}/change/"
    page = client.get(url).content.decode()
    assert "Add at least one question of your own to the form." in page
    data = form_as_shown(page, "applicationcall_form")
    data["open_for_applications"] = ["on"]
    response = client.post(url, data, follow=True)
    assert "stays closed to applicants until this is fixed: Add at least one question" in response.content.decode()
    with scopes_disabled():
        ready_call.refresh_from_db()
    assert ready_call.open_for_applications is False
    with scope(organizer=ready_call.organizer):
        assert ready_call.pk not in [c.pk for c in open_calls()]
    # Fixed on the same page: the call opens.
    data.update({"questions-TOTAL_FORMS": ["1"], "questions-0-label": ["Why now?"], "questions-0-kind": ["text"],
                 "questions-0-order": ["1"]})
    client.post(url, data)
    with scopes_disabled():
        ready_call.refresh_from_db()
    assert ready_call.open_for_applications is True
    with scope(organizer=ready_call.organizer):
        assert ready_call.pk in [c.pk for c in open_calls()]


def test_the_program_page_says_not_open_yet_for_a_call_that_is_not_ready(ready_call, client_for):
    with scopes_disabled():
        ApplicationCall.objects.filter(pk=ready_call.pk).update(open_for_applications=False)
        program = ready_call.cohort.program
    html = client_for().get(f"/{program.organizer.slug}/programs/{program.slug}/").content.decode()
    assert "Applications are not open yet." in html
    assert f"/apply/{ready_call.pk}/" not in html


def test_cohort_checks(organizer):
    today = timezone.localdate()
    cohort = CohortFactory(program__organizer=organizer, starts_on=today + dt.timedelta(days=10),
                           is_team_cohort=True, team_size_min=None, team_size_max=None,
                           enrollment_mode=Cohort.EnrollmentMode.APPLICATION, contact_name="", contact_email="")
    with scope(organizer=organizer):
        messages = [(c.blocking, c.message) for c in cohort_checklist(cohort, today=today)]
    assert (False, "The cohort selects by application but has no application call yet.") in messages
    assert (False, "Teams join this cohort but no team size is set.") in messages
    assert (False, "Name a contact: people who cannot register are told whom to ask.") in messages
    assert (False, f"The cohort starts on {cohort.starts_on:%d %b %Y} and has no sessions yet.") in messages
    with scopes_disabled():
        Session.objects.create(organizer=organizer, cohort=cohort, title="Orientation",
                               starts_at=timezone.now() + dt.timedelta(days=10),
                               ends_at=timezone.now() + dt.timedelta(days=10, hours=1))
        Cohort.objects.filter(pk=cohort.pk).update(
            registration_opens_at=timezone.now(), registration_closes_at=timezone.now() - dt.timedelta(days=1)
        )
        cohort.refresh_from_db()
    with scope(organizer=organizer):
        messages = [(c.blocking, c.message) for c in cohort_checklist(cohort, today=today)]
    assert (True, "Registration closes before it opens.") in messages
    assert not any("has no sessions" in m for _, m in messages)


def test_program_checks(organizer):
    program = ProgramFactory(organizer=organizer, summary="")
    with scope(organizer=organizer):
        assert [c.message for c in program_checklist(program)] == [
            "Add a one-line summary: the catalog shows it.", "The program has no cohort yet, so nobody can join it.",
        ]
    CohortFactory(program=program, is_published=False)
    with scope(organizer=organizer):
        assert "None of the program's cohorts is published." in [c.message for c in program_checklist(program)]
    with scopes_disabled():
        Program.objects.filter(pk=program.pk).update(kind=Program.Kind.FRAMEWORK, summary="A framework.")
        program.refresh_from_db()
    with scope(organizer=organizer):
        assert program_checklist(program) == []


def test_cohort_and_program_pages_show_their_checklist(organizer, staff_user, client_for):
    program = ProgramFactory(organizer=organizer, summary="")
    client = client_for(staff_user)
    assert "Add a one-line summary" in client.get(f"/admin/cohorts/program/{program.pk}/change/").content.decode()
    cohort = CohortFactory(program=program, is_team_cohort=True, team_size_min=None, team_size_max=None)
    html = client.get(f"/admin/cohorts/cohort/{cohort.pk}/change/").content.decode()
    assert "Teams join this cohort but no team size is set." in html


def test_the_program_page_says_closed_once_a_selection_is_confirmed_before_the_deadline(ready_call, client_for):
    program = ready_call.cohort.program
    url = f"/{program.organizer.slug}/programs/{program.slug}/"
    assert f"/apply/{ready_call.pk}/" in client_for().get(url).content.decode()
    with scopes_disabled():
        ApplicationCall.objects.filter(pk=ready_call.pk).update(selection_confirmed_at=timezone.now())
    html = client_for().get(url).content.decode()
    assert "Applications are closed: the participants have been selected." in html
    assert f"/apply/{ready_call.pk}/" not in html


def test_a_cohort_with_a_blocking_item_is_unpublished_on_save_and_leaves_the_public_page(
    organizer, staff_user, client_for,
):
    cohort = CohortFactory(program__organizer=organizer, is_published=True, title="Spring cohort")
    program = cohort.program
    public = f"/{organizer.slug}/programs/{program.slug}/"
    assert "Spring cohort" in client_for().get(public).content.decode()
    client = client_for(staff_user)
    url = f"/admin/cohorts/cohort/{cohort.pk}/change/"
    data = form_as_shown(client.get(url).content.decode(), "cohort_form")
    # Registration closing a week before it opens: nobody could ever register.
    opens = cohort.starts_on - dt.timedelta(days=20)
    data.update({"registration_opens_at_0": [opens.isoformat()], "registration_opens_at_1": ["09:00"],
                 "registration_closes_at_0": [(opens - dt.timedelta(days=7)).isoformat()],
                 "registration_closes_at_1": ["09:00"]})
    response = client.post(url, data, follow=True)
    assert "The cohort is saved but is not published until this is fixed: Registration closes before it opens." in (
        response.content.decode()
    )
    with scopes_disabled():
        cohort.refresh_from_db()
    assert cohort.is_published is False and cohort.registration_closes_at is not None
    assert "Spring cohort" not in client_for().get(public).content.decode()
    # Fixed and published again on the same page: it is back.
    data.update({"registration_closes_at_0": [(opens + dt.timedelta(days=7)).isoformat()], "is_published": ["on"]})
    client.post(url, data)
    with scopes_disabled():
        cohort.refresh_from_db()
    assert cohort.is_published is True
    assert "Spring cohort" in client_for().get(public).content.decode()


def test_a_module_tied_to_another_programs_cohort_keeps_the_program_a_draft(organizer, staff_user, client_for):
    program = ProgramFactory(organizer=organizer, status=Program.Status.DRAFT, title="Racial equity series")
    CohortFactory(program=program, is_published=True)
    elsewhere = CohortFactory(program__organizer=organizer, title="Another program's cohort")
    client = client_for(staff_user)
    url = f"/admin/cohorts/program/{program.pk}/change/"
    data = form_as_shown(client.get(url).content.decode(), "program_form")
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and k.startswith("modules")).removesuffix("-TOTAL_FORMS")
    data.update({"status": ["published"], f"{prefix}-TOTAL_FORMS": ["1"], f"{prefix}-0-title": ["History"],
                 f"{prefix}-0-order": ["1"], f"{prefix}-0-cohort": [str(elsewhere.pk)]})
    response = client.post(url, data, follow=True)
    html = response.content.decode()
    assert "The program is saved but stays a draft until this is fixed:" in html
    assert "The module “History” is tied to" in html
    with scopes_disabled():
        program.refresh_from_db()
        assert program.modules.get().title == "History"
    assert program.status == Program.Status.DRAFT
    assert client_for().get(f"/{organizer.slug}/programs/{program.slug}/").status_code == 404


def test_the_call_list_checklist_column_costs_the_same_queries_for_one_call_or_five(organizer, staff_user, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def a_call(complete: bool):
        call = CallFactory(cohort__program__organizer=organizer, reviews_wanted=1)
        if complete:
            QuestionFactory(call=call)
            RubricFactory(call=call)
            CategoryFactory(call=call, key="position", values="Rightsholder\nStaff")
            quota(call, "position", "Staff", 1)
        return call

    member(organizer, Role.REVIEWER)
    a_call(True)
    client = client_for(staff_user)
    url = "/admin/applications/applicationcall/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        html = client.get(url).content.decode()
    assert "Ready" in html
    for n in range(4):
        a_call(complete=n % 2 == 0)
    with CaptureQueriesContext(connection) as five:
        html = client.get(url).content.decode()
    # The prefetched column says what each call's own checklist says.
    with scope(organizer=organizer):
        expected = sorted(
            f"{len(blocking(call_checklist(call)))} to fix" if blocking(call_checklist(call)) else "Ready"
            for call in ApplicationCall.objects.select_related("cohort__program", "cohort__organizer")
        )
    assert sorted(re.findall(r'field-checklist">([^<]*)<', html)) == expected
    assert expected.count("Ready") == 3
    assert len(five) == len(one), [q["sql"][:120] for q in five.captured_queries]
