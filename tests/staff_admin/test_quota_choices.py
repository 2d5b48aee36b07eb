"""Quotas choose from the call's categories; a value that does not exist is refused with the valid ones."""

import pytest
from django_scopes import scopes_disabled

from applications.models import ApplicationCall, DemographicCategory, Quota, ReviewerAssignment
from cohorts.models import Cohort
from organizers.roles import Role
from tests.factories import CohortFactory, member

from .formdata import form_as_shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(organizer):
    cohort = CohortFactory(program__organizer=organizer, enrollment_mode=Cohort.EnrollmentMode.APPLICATION)
    with scopes_disabled():
        call = ApplicationCall.objects.create(organizer=organizer, cohort=cohort)
        DemographicCategory.objects.create(
            organizer=organizer, call=call, key="position", label="Position", values="Rightsholder\nStaff"
        )
    return call


def _page(client, call):
    url = f"/admin/applications/applicationcall/{call.pk}/change/"
    return url, form_as_shown(client.get(url).content.decode(), "applicationcall_form")


def _with_quota(data, category, value):
    data.update({"quotas-TOTAL_FORMS": ["1"], "quotas-0-category": [category], "quotas-0-value": [value],
                 "quotas-0-min_seats": ["2"]})
    return data


def test_a_quota_naming_a_value_that_does_not_exist_is_refused_with_the_valid_values(call, staff_user, client_for):
    client = client_for(staff_user)
    url, data = _page(client, call)
    html = client.post(url, _with_quota(data, "position", "Rightsholders")).content.decode()
    assert "“Rightsholders” is not an answer option of “position”. Options: “Rightsholder”, “Staff”." in html
    with scopes_disabled():
        assert not Quota.objects.filter(call=call).exists()


def test_the_quota_value_is_a_choice_of_the_categorys_options(call, staff_user, client_for):
    client = client_for(staff_user)
    url, data = _page(client, call)
    page = client.get(url).content.decode()
    assert '<optgroup label="position">' in page and '<option value="Rightsholder">' in page
    assert client.post(url, _with_quota(data, "position", "Rightsholder")).status_code == 302
    with scopes_disabled():
        assert Quota.objects.get(call=call).value == "Rightsholder"


def test_a_category_typed_on_the_same_page_can_be_used_at_once(call, staff_user, client_for):
    client = client_for(staff_user)
    url, data = _page(client, call)
    data.update({
        "demographic_categories-TOTAL_FORMS": ["2"], "demographic_categories-1-key": ["region"],
        "demographic_categories-1-label": ["Region"], "demographic_categories-1-values": ["Whatcom\nSkagit"],
        "demographic_categories-1-multiple": ["on"], "demographic_categories-1-order": ["2"],
    })
    html = client.post(url, _with_quota(dict(data), "region", "Skagitt")).content.decode()
    assert "“Skagitt” is not an answer option of “region”. Options: “Whatcom”, “Skagit”." in html
    assert client.post(url, _with_quota(dict(data), "region", "Skagit")).status_code == 302
    with scopes_disabled():
        assert Quota.objects.get(call=call).value == "Skagit"
        assert DemographicCategory.objects.filter(call=call, key="region").exists()


def test_intersection_quota_conditions_are_checked(call, staff_user, client_for):
    client = client_for(staff_user)
    url, data = _page(client, call)
    data.update({"intersection_quotas-TOTAL_FORMS": ["1"], "intersection_quotas-0-conditions": ['{"position": "Boss"}'],
                 "intersection_quotas-0-min_seats": ["1"]})
    html = client.post(url, data).content.decode()
    assert "“Boss” is not an answer option of “position”. Options: “Rightsholder”, “Staff”." in html.replace("&quot;", '"')


def test_reviewers_are_picked_from_the_organizers_reviewers_only(call, organizer, other_organizer, staff_user, client_for):
    reviewer = member(organizer, Role.REVIEWER, email="reviewer@example.org")
    member(organizer, Role.FACILITATOR, email="facilitator@example.org")
    member(other_organizer, Role.REVIEWER, email="elsewhere@example.org")
    client = client_for(staff_user)
    url, data = _page(client, call)
    page = client.get(url).content.decode()
    assert "reviewer@example.org" in page or reviewer.display_name in page
    assert "facilitator@example.org" not in page and "elsewhere@example.org" not in page
    data.update({"reviewer_assignments-TOTAL_FORMS": ["1"], "reviewer_assignments-0-reviewer": [str(reviewer.pk)]})
    assert client.post(url, data).status_code == 302
    with scopes_disabled():
        assert ReviewerAssignment.objects.get(call=call).reviewer == reviewer
