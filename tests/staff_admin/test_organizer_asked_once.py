"""Staff never type the organizer: inline rows take the parent's, staff of one organizer get it filled in."""

import re

import pytest
from django_scopes import scopes_disabled

from applications.models import ApplicationCall, Question
from cohorts.models import Cohort
from organizers.models import Membership
from organizers.roles import Role
from tests.factories import CohortFactory, member

from .formdata import form_as_shown

pytestmark = pytest.mark.django_db


def _inline_prefixes(html: str) -> set[str]:
    return set(re.findall(r'name="([a-z_]+)-TOTAL_FORMS"', html))


@pytest.fixture
def call(organizer):
    cohort = CohortFactory(program__organizer=organizer, enrollment_mode=Cohort.EnrollmentMode.APPLICATION)
    with scopes_disabled():
        return ApplicationCall.objects.create(organizer=organizer, cohort=cohort)


def test_no_inline_row_asks_for_the_organizer(call, staff_user, client_for):
    html = client_for(staff_user).get(f"/admin/applications/applicationcall/{call.pk}/change/").content.decode()
    assert _inline_prefixes(html) >= {"questions", "demographic_categories", "quotas", "rubric"}
    assert not re.search(r'name="[a-z_]+-(\d+|__prefix__)-organizer"', html)


def test_staff_of_one_organizer_see_it_read_only_and_save_inline_rows_first_time(call, staff_user, client_for):
    client = client_for(staff_user)
    url = f"/admin/applications/applicationcall/{call.pk}/change/"
    page = client.get(url).content.decode()
    assert re.search(r'<select name="organizer"[^>]*disabled', page)
    data = form_as_shown(page, "applicationcall_form")
    data.update({
        "questions-TOTAL_FORMS": ["2"],
        "questions-0-order": ["1"], "questions-0-label": ["Why do you want to join?"], "questions-0-kind": ["long_text"],
        "questions-1-order": ["2"], "questions-1-label": ["Your role"], "questions-1-kind": ["text"],
    })
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with scopes_disabled():
        questions = list(Question.objects.filter(call=call).order_by("order"))
    assert [q.label for q in questions] == ["Why do you want to join?", "Your role"]
    assert {q.organizer_id for q in questions} == {call.organizer_id}


def test_organizer_settings_save_as_shown(organizer, admin_user, client_for):
    other = member(organizer, Role.FACILITATOR, email="facilitator@example.org")
    client = client_for(admin_user)
    url = f"/admin/organizers/organizer/{organizer.pk}/change/"
    page = client.get(url).content.decode()
    assert 'value="facilitator@example.org"' in page
    data = form_as_shown(page, "organizer_form")
    data["name"] = ["Renamed Partners"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    organizer.refresh_from_db()
    assert organizer.name == "Renamed Partners"
    with scopes_disabled():
        assert Membership.objects.get(organizer=organizer, user=other).role == Role.FACILITATOR
