"""The shared link and time helpers (core.urls, core.timefmt, the praxis_time filters)."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.test import RequestFactory, override_settings

from core import timefmt
from core.urls import absolute_url, site_url_problem

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


@override_settings(PRAXIS_BASE_URL="https://praxis.example.org/")
def test_absolute_url_joins_the_site_address_and_leaves_full_urls_alone():
    assert absolute_url("/a/b/") == "https://praxis.example.org/a/b/"
    assert absolute_url("a/") == "https://praxis.example.org/a/"
    assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"


@override_settings(ALLOWED_HOSTS=["praxis.test"])
def test_absolute_url_follows_the_request_host():
    request = RequestFactory().get("/", HTTP_HOST="praxis.test")
    assert absolute_url("/feeds/x.ics", request=request) == "http://praxis.test/feeds/x.ics"


def test_production_site_address_must_be_an_allowed_public_host():
    assert site_url_problem("https://praxis.example.org", ["praxis.example.org"]) is None
    assert site_url_problem("https://app.example.org", [".example.org"]) is None
    assert "ALLOWED_HOSTS" in site_url_problem("https://evil.example", ["praxis.example.org"])
    assert "this machine" in site_url_problem("http://127.0.0.1:8000", ["127.0.0.1"])
    assert site_url_problem("praxis.example.org", ["praxis.example.org"])


def test_format_when_names_the_zone_of_the_wall_clock():
    moment = dt.datetime(2024, 12, 3, 9, 0, tzinfo=dt.timezone.utc)
    assert timefmt.format_when(moment, "Europe/Amsterdam") == "Tue 3 Dec 2024, 10:00 CET"
    assert timefmt.format_when(moment, AMS, with_zone=False) == "Tue 3 Dec 2024, 10:00"
    assert timefmt.format_when(moment, "America/Chicago") == "Tue 3 Dec 2024, 03:00 CST"
    # A zone whose abbreviation is only an offset is named instead.
    assert timefmt.format_when(moment, "Europe/Istanbul") == "Tue 3 Dec 2024, 12:00 Europe/Istanbul"
    summer = dt.datetime(2024, 7, 3, 9, 0, tzinfo=dt.timezone.utc)
    assert timefmt.format_when(summer, AMS) == "Wed 3 Jul 2024, 11:00 CEST"


def test_when_filter_uses_the_given_zone_or_the_viewers():
    moment = dt.datetime(2024, 12, 3, 16, 0, tzinfo=dt.timezone.utc)
    template = Template("{% load praxis_time %}{{ m|when:zone }}|{{ m|when }}")
    from django.utils import timezone

    with timezone.override(zoneinfo.ZoneInfo("America/Chicago")):
        text = template.render(Context({"m": moment, "zone": AMS}))
    assert text == "Tue 3 Dec 2024, 17:00 CET|Tue 3 Dec 2024, 10:00 CST"


# Reminder wording is counted on the reader's calendar from the real time left.
SESSION = dt.datetime(2024, 12, 3, 10, 0, tzinfo=AMS)  # Tue 3 Dec, 10:00 CET


@pytest.mark.parametrize(("before", "expected"), [
    (dt.timedelta(days=3), "on Tuesday 3 Dec at 10:00 CET, in 3 days"),
    (dt.timedelta(hours=26), "tomorrow, Tue 3 Dec at 10:00 CET"),
    (dt.timedelta(hours=6, minutes=30), "today at 10:00 CET, in 6 hours 30 minutes"),
    (dt.timedelta(minutes=55), "in 55 minutes, at 10:00 CET"),
    (dt.timedelta(minutes=60), "in 1 hour, at 10:00 CET"),
])
def test_relative_when_says_the_time_actually_left(before, expected):
    assert timefmt.relative_when(SESSION, AMS, now=SESSION - before) == expected


def test_relative_when_across_the_dst_change_counts_wall_clock_days():
    # Clocks go back in Amsterdam on Sun 27 Oct 2024 at 03:00 CEST.
    session = dt.datetime(2024, 10, 28, 10, 0, tzinfo=AMS)  # Mon 10:00 CET
    saturday_evening = dt.datetime(2024, 10, 26, 22, 30, tzinfo=AMS)  # CEST, 36.5 real hours before
    assert timefmt.relative_when(session, AMS, now=saturday_evening) == "on Monday 28 Oct at 10:00 CET, in 2 days"
    sunday_morning = dt.datetime(2024, 10, 27, 10, 0, tzinfo=AMS)  # 24 real hours before
    assert timefmt.relative_when(session, AMS, now=sunday_morning) == "tomorrow, Mon 28 Oct at 10:00 CET"
    # 01:30 CEST to 04:30 CET is three hours on the clock but four real ones (02:00-03:00 happens twice).
    sunday_early = dt.datetime(2024, 10, 27, 1, 30, tzinfo=AMS)  # CEST
    later = dt.datetime(2024, 10, 27, 4, 30, tzinfo=AMS)  # CET, 4 real hours later
    assert timefmt.relative_when(later, AMS, now=sunday_early) == "today at 04:30 CET, in 4 hours"
