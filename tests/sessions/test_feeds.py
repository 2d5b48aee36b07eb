"""Calendar feeds and the schedule: times across DST, private tokens, who sees what."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from icalendar import Calendar

from sessions_app import ics
from sessions_app.services import SessionsError
from sessions_app.services.feeds import create_calendar_feed, hash_token
from sessions_app.services.sessions import create_session_series, series_starts
from sessions_app.models import CalendarFeed
from tests.factories import CohortFactory, UserFactory

from .factories import AffinityGroupFactory, SessionFactory, enroll, join_group

pytestmark = pytest.mark.django_db
UTC = dt.timezone.utc


def _chicago_series(cohort):
    starts = series_starts(
        first_date=dt.date(2024, 10, 29), start_time=dt.time(10, 0), time_zone="America/Chicago",
        frequency="weekly", count=2,
    )
    with scopes_disabled():
        return create_session_series(cohort=cohort, title="Racial Healing", kind="training",
                                              duration_minutes=90, starts=starts,
                                              video_url="https://video.example/secret-room")


def _events(body: bytes):
    calendar = Calendar.from_ical(body)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def _feed_url(client, organizer, cohort=None):
    data = {"cohort": cohort.id} if cohort else {}
    response = client.post(reverse("sessions_app:feed_create", kwargs={"organizer_slug": organizer.slug}), data)
    assert response.status_code == 200
    url = response.context["new_personal_url"] if cohort is None else next(
        f["new_url"] for f in response.context["cohort_feeds"] if f["cohort"].id == cohort.id)
    return url.split("testserver", 1)[1]


def test_series_keeps_the_local_wall_clock_across_dst(organizer):
    cohort = CohortFactory(program__organizer=organizer, time_zone="America/Chicago")
    sessions = _chicago_series(cohort)
    assert [s.starts_at for s in sessions] == [
        dt.datetime(2024, 10, 29, 15, 0, tzinfo=UTC), dt.datetime(2024, 11, 5, 16, 0, tzinfo=UTC)]
    assert [s.title for s in sessions] == ["Racial Healing (1 of 2)", "Racial Healing (2 of 2)"]


def test_monthly_on_the_second_tuesday():
    starts = series_starts(first_date=dt.date(2024, 9, 1), start_time=dt.time(13, 30),
                                    time_zone="Europe/Amsterdam", frequency="monthly", count=4, weekday=1, setpos=2)
    local = [s.astimezone(dt.timezone(dt.timedelta(0))).date() for s in starts]
    assert local == [dt.date(2024, 9, 10), dt.date(2024, 10, 8), dt.date(2024, 11, 12), dt.date(2024, 12, 10)]
    # 13:30 in Amsterdam is 11:30Z in summer time and 12:30Z after the change on 27 October.
    assert [s.hour for s in starts] == [11, 11, 12, 12]


@pytest.mark.parametrize("bad, message", [
    (dict(count=None, until=None), "number of sessions or a last date"),
    (dict(until=dt.date(2024, 1, 1)), "cannot be before"),
    (dict(frequency="daily"), "weekly or monthly"),
    (dict(count=61), "at most 60"),
])
def test_series_refuses_bad_input_clearly(bad, message):
    options = dict(first_date=dt.date(2024, 9, 1), start_time=dt.time(10), time_zone="UTC", frequency="weekly", count=3)
    with pytest.raises(SessionsError, match=message):
        series_starts(**{**options, **bad})


def test_personal_feed_carries_utc_times_across_dst_and_only_visible_sessions(organizer, other_organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer, time_zone="America/Chicago")
    _chicago_series(cohort)
    person = UserFactory(time_zone="Europe/Amsterdam")
    enroll(cohort, person)
    group = AffinityGroupFactory(cohort=cohort, name="BIPOC caucus")
    SessionFactory(cohort=cohort, affinity_group=group, title="Caucus session", kind="affinity")
    SessionFactory(cohort=CohortFactory(program__organizer=organizer), title="Another cohort's session")
    SessionFactory(cohort=CohortFactory(program__organizer=other_organizer), title="Other organizer's session")

    client = client_for(person)
    url = _feed_url(client, organizer)
    response = client_for(None).get(url)  # no login: the token is the credential
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    assert set(events) == {"Racial Healing (1 of 2) (%s)" % cohort.program.title,
                           "Racial Healing (2 of 2) (%s)" % cohort.program.title}
    starts = sorted(e.decoded("dtstart") for e in events.values())
    assert starts == [dt.datetime(2024, 10, 29, 15, 0, tzinfo=UTC), dt.datetime(2024, 11, 5, 16, 0, tzinfo=UTC)]
    assert b"DTSTART:20241029T150000Z" in response.content
    assert all("secret-room" in str(e["description"]) for e in events.values())  # enrolled: link included

    join_group(group, person)
    assert "Caucus session (%s)" % cohort.program.title in _events(client_for(None).get(url).content)


def test_revoked_regenerated_and_wrong_tokens_are_404(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    person = enroll(cohort).person
    client = client_for(person)
    first = _feed_url(client, organizer)
    second = _feed_url(client, organizer)  # regenerate: the first address stops working
    anonymous = client_for(None)
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    assert anonymous.get("/feeds/not-a-real-token.ics").status_code == 404
    client.post(reverse("sessions_app:feed_revoke", kwargs={"organizer_slug": organizer.slug}))
    assert anonymous.get(second).status_code == 404
    # Only a hash is stored, never the token.
    token = second.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(token_hash=token).exists()
    assert CalendarFeed.objects.filter(token_hash=hash_token(token)).exists()


def test_cohort_feed_is_for_enrolled_people_and_stops_when_they_leave(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    SessionFactory(cohort=cohort, title="Kick-off")
    enrollment = enroll(cohort)
    client = client_for(enrollment.person)
    url = _feed_url(client, organizer, cohort)
    assert "Kick-off (%s)" % cohort.program.title in _events(client_for(None).get(url).content)

    outsider = UserFactory()
    with scopes_disabled(), pytest.raises(SessionsError):
        create_calendar_feed(user=outsider, cohort=cohort)

    with scopes_disabled():
        enrollment.status = "cancelled"
        enrollment.save()
    assert client_for(None).get(url).status_code == 404


def test_feed_hides_video_links_from_people_not_enrolled(organizer):
    cohort = CohortFactory(program__organizer=organizer)
    session = SessionFactory(cohort=cohort)
    staff_only_view = ics.sessions_calendar("x", [session], show_video=lambda s: False)
    assert b"secret-room" not in staff_only_view


def test_session_page_names_the_zone_hides_the_link_and_offers_ics(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer, time_zone="America/Chicago")
    session = _chicago_series(cohort)[0]
    person = enroll(cohort, UserFactory(time_zone="America/Chicago")).person
    url = reverse("sessions_app:session_detail", kwargs={"organizer_slug": organizer.slug, "session_id": session.id})
    page = client_for(person).get(url).content.decode()
    assert "Tue 29 Oct 2024, 10:00 CDT" in page and "America/Chicago" in page
    assert "secret-room" in page

    stranger = UserFactory()
    assert client_for(stranger).get(url).status_code == 404

    ics_url = reverse("sessions_app:session_ics", kwargs={"organizer_slug": organizer.slug, "session_id": session.id})
    response = client_for(person).get(ics_url)
    assert response["Content-Disposition"].startswith("attachment")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2024, 10, 29, 15, 0, tzinfo=UTC)


def test_schedule_lists_upcoming_sessions_in_the_viewers_zone(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    SessionFactory(cohort=cohort, title="Systems change", starts_at=timezone.now() + dt.timedelta(days=2))
    person = enroll(cohort, UserFactory(time_zone="Europe/Amsterdam")).person
    response = client_for(person).get(reverse("sessions_app:schedule", kwargs={"organizer_slug": organizer.slug}))
    assert "Systems change" in response.content.decode() and "Europe/Amsterdam" in response.content.decode()
