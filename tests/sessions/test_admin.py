"""Staff schedule a whole series in the admin, on the cohort's wall clock."""

import datetime as dt

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organizers.roles import Role
from sessions_app.models import OfficeHourSlot, Session
from tests.factories import CohortFactory, member

pytestmark = pytest.mark.django_db
UTC = dt.timezone.utc


def _series_data(cohort, **extra):
    return {"cohort": cohort.id, "kind": "training", "title": "Monthly module", "first_date": "2024-09-01",
            "start_time": "10:00", "duration_minutes": "360", "frequency": "monthly", "interval": "1",
            "weekday": "1", "setpos": "2", "count": "4", **extra}


def test_staff_create_a_monthly_series_on_the_second_tuesday(organizer, other_organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer, time_zone="Europe/Amsterdam")
    staff = member(organizer, Role.STAFF)
    client = client_for(staff)
    url = reverse("admin:sessions_app_session_series")
    assert "Schedule a series" in client.get(reverse("admin:sessions_app_session_changelist")).content.decode()
    assert client.get(url).status_code == 200

    response = client.post(url, _series_data(cohort))
    assert response.status_code == 302
    with scopes_disabled():
        starts = list(Session.objects.filter(cohort=cohort).order_by("starts_at").values_list("starts_at", flat=True))
    assert starts == [dt.datetime(2024, 9, 10, 8, 0, tzinfo=UTC), dt.datetime(2024, 10, 8, 8, 0, tzinfo=UTC),
                      dt.datetime(2024, 11, 12, 9, 0, tzinfo=UTC), dt.datetime(2024, 12, 10, 9, 0, tzinfo=UTC)]


def test_bad_series_input_is_explained_and_creates_nothing(organizer, other_organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    foreign = CohortFactory(program__organizer=other_organizer)
    client = client_for(member(organizer, Role.STAFF))
    url = reverse("admin:sessions_app_session_series")
    no_end = client.post(url, _series_data(cohort, count=""))
    assert "Give a number of sessions or a last date" in no_end.content.decode()
    weekly_pos = client.post(url, _series_data(cohort, frequency="weekly"))
    assert "only applies to monthly" in weekly_pos.content.decode()
    other = client.post(url, _series_data(foreign))
    assert "Select a valid choice" in other.content.decode()  # another organizer's cohort is not offered
    with scopes_disabled():
        assert not Session.objects.exists()


def test_publishing_office_hours_in_the_admin_opens_the_slots(organizer, client_for):
    staff = member(organizer, Role.STAFF)
    client = client_for(staff)
    response = client.post(reverse("admin:sessions_app_officehourwindow_add"), {
        "organizer": organizer.id, "title": "Office hours", "host": staff.email, "time_zone": "America/Chicago",
        "first_date": "2030-10-03", "start_time": "12:00", "slot_minutes": "20", "slots_per_window": "3",
        "repeat_weekly_until": "2030-10-17", "location": "", "video_url": "",
        "slots-TOTAL_FORMS": "0", "slots-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        assert OfficeHourSlot.objects.count() == 9


@pytest.mark.parametrize("model", ["session", "sessionnote", "cohortsessionsettings", "organizermessagingsettings",
                                   "officehourwindow", "officehourbooking", "assistancerequest", "checkinround"])
def test_staff_admin_pages_open_and_show_only_their_rows(model, organizer, other_organizer, client_for):
    from .factories import SessionFactory

    mine = SessionFactory(cohort=CohortFactory(program__organizer=organizer), title="Our own session")
    SessionFactory(cohort=CohortFactory(program__organizer=other_organizer), title="Someone else's session")
    client = client_for(member(organizer, Role.STAFF))
    changelist = client.get(reverse(f"admin:sessions_app_{model}_changelist"))
    assert changelist.status_code == 200
    assert "Someone else" not in changelist.content.decode()
    if model == "session":
        assert "Our own session" in changelist.content.decode()
        assert client.get(reverse("admin:sessions_app_session_change", args=[mine.id])).status_code == 200
    if model != "officehourbooking":
        assert client.get(reverse(f"admin:sessions_app_{model}_add")).status_code == 200
