"""Selection runs, offers and replacements, end to end through the pages and the outbox."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from applications import tasks
from cohorts import tasks as cohort_tasks
from applications.models import Application, Offer, SelectionRun
from cohorts.models import Enrollment
from organizers.models import Membership

from . import scenario

pytestmark = pytest.mark.django_db


def recipients():
    return sorted(m.to[0] for m in mail.outbox)


def offered_to():
    return sorted(m.to[0] for m in mail.outbox if "offered a seat" in m.subject)


def start(client, s, capture, **data):
    with capture(execute=True):
        response = client.post(s.url("start_run", call_id=s.call.pk), {"kind": "best", **data})
    assert response.status_code == 302
    with scopes_disabled():
        run = SelectionRun.objects.filter(call=s.call).first()
    page = client.get(response["Location"])  # the run page, now that the worker has finished
    assert page.status_code == 200
    return run, page


def status(app):
    with scopes_disabled():
        app.refresh_from_db()
    return app.status


def test_infeasible_quota_shows_the_conflict_report_and_sends_no_offers(organizer, client_for,
                                                                       django_capture_on_commit_callbacks):
    s = scenario.build(organizer, indigenous_min=4)  # only three Indigenous applicants
    client = client_for(s.staff)
    run, response = start(client, s, django_capture_on_commit_callbacks, seed="12345")
    assert run.status == SelectionRun.Status.INFEASIBLE
    page = response.content.decode()
    assert "No cohort meets every rule" in page
    assert "Race or ethnicity: Indigenous" in page and "from 4 by 1" in page
    assert "Confirm and send offers" not in page
    # Confirming anyway is refused; nobody is told anything.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(s.url("confirm_run", run_id=run.pk), follow=True)
    assert "Only a finished run with a cohort can be confirmed" in response.content.decode()
    with scopes_disabled():
        assert not Offer.objects.exists()
        assert set(Application.objects.values_list("status", flat=True)) == {"submitted"}
    assert mail.outbox == []

    # Staff choose the smallest relaxation the report names; the next run finds a cohort.
    response = client.post(s.url("apply_relaxation", run_id=run.pk), {"index": "0"}, follow=True)
    assert "Changed Race or ethnicity: Indigenous: minimum 4 → 3" in response.content.decode()
    with scopes_disabled():
        assert s.call.quotas.get().min_seats == 3
        assert s.call.audit_entries.filter(action="relaxed", actor=s.staff).exists()
    assert client.post(s.url("apply_relaxation", run_id=run.pk), {"index": "7"}).status_code == 302
    rerun, _ = start(client, s, django_capture_on_commit_callbacks, seed="12345")
    assert rerun.status == SelectionRun.Status.DONE and len(rerun.selected_references) == 4


def test_best_cohort_offers_then_a_decline_is_replaced_within_the_quota(organizer, client_for,
                                                                        django_capture_on_commit_callbacks):
    s = scenario.build(organizer)
    staff = client_for(s.staff)
    run, response = start(staff, s, django_capture_on_commit_callbacks, seed="7")
    assert run.status == SelectionRun.Status.DONE
    page = response.content.decode()
    assert "Published seed" in page and ">7<" in page and "HiGHS" in page
    assert mail.outbox == []  # nobody is told before staff confirm

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(s.url("confirm_run", run_id=run.pk))
    p = s.people
    chosen = ["White One", "White Two", "Indigenous One", "Indigenous Two"]
    assert offered_to() == sorted(p[n].applicant.email for n in chosen)
    assert status(p["Black One"]) == "submitted"  # letters wait for staff

    # The accepted quota member keeps her seat.
    one = client_for(p["Indigenous One"].applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = one.post(s.url("respond_to_offer", application_id=p["Indigenous One"].pk), {"answer": "accept"}, follow=True)
    assert "Your seat is confirmed" in response.content.decode()
    with scopes_disabled():
        assert Enrollment.objects.get(person=p["Indigenous One"].applicant).status == "confirmed"

    # The other declines: the replacement must be Indigenous Three, not the higher-scored Black One.
    mail.outbox.clear()
    two = client_for(p["Indigenous Two"].applicant)
    with django_capture_on_commit_callbacks(execute=True):
        two.post(s.url("respond_to_offer", application_id=p["Indigenous Two"].pk), {"answer": "decline"})
    assert offered_to() == [p["Indigenous Three"].applicant.email]
    (offer_mail,) = [m for m in mail.outbox if "offered a seat" in m.subject]
    assert "A seat became free" in offer_mail.body
    # The decliner is told the seat goes to someone else (the lifecycle's one email per change).
    assert any(m.to == [p["Indigenous Two"].applicant.email] and "You declined" in m.body for m in mail.outbox)
    assert status(p["Indigenous One"]) == "accepted"
    assert status(p["Indigenous Two"]) == "declined"
    assert status(p["Indigenous Three"]) == "offered"
    assert status(p["Black One"]) == "submitted"
    with scopes_disabled():
        replacement = SelectionRun.objects.get(kind="replacement")
        assert replacement.status == "confirmed"
        assert replacement.input_snapshot["accepted"] == [p["Indigenous One"].reference]
        assert replacement.input_snapshot["declined"] == [p["Indigenous Two"].reference]

    # Staff then release the letters: the remaining eligible applicant is waitlisted.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(s.url("release_letters", call_id=s.call.pk))
    assert recipients() == [p["Black One"].applicant.email]
    assert "waitlist" in mail.outbox[0].subject
    assert status(p["Black One"]) == "waitlisted"


def test_expired_offer_is_replaced_or_staff_hear_which_quota_fails(organizer, client_for,
                                                                  django_capture_on_commit_callbacks):
    s = scenario.build(organizer, pool=scenario.POOL[:5])  # only two Indigenous applicants
    staff = client_for(s.staff)
    run, _ = start(staff, s, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(s.url("confirm_run", run_id=run.pk))
    mail.outbox.clear()
    with scopes_disabled():
        offer = Offer.objects.get(application=s.people["Indigenous Two"])
        # One offer concept: the application's offer is the enrollment's, and expires with it.
        Enrollment.objects.filter(pk=offer.enrollment_id).update(offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert cohort_tasks.expire_offers() == 1
    assert status(s.people["Indigenous Two"]) == "expired"
    # No Indigenous applicant is left: nobody is offered the seat, staff are told why.
    assert offered_to() == []
    staff_mail = [m for m in mail.outbox if m.to == [s.call.organizer.contact_email]]
    assert len(staff_mail) == 1 and "Race or ethnicity: Indigenous" in staff_mail[0].body
    with scopes_disabled():
        failed = SelectionRun.objects.get(kind="replacement")
    assert failed.status == "infeasible"
    page = staff.get(s.url("run_detail", run_id=failed.pk)).content.decode()
    assert "No cohort meets every rule" in page


def test_fair_lottery_publishes_probabilities_and_seed(organizer, client_for, django_capture_on_commit_callbacks):
    s = scenario.build(organizer)
    staff = client_for(s.staff)
    run, response = start(staff, s, django_capture_on_commit_callbacks, kind="lottery", seed="2024")
    assert run.status == SelectionRun.Status.DONE
    page = response.content.decode()
    # Per-person probabilities follow from demographic types: only for the permission holder.
    assert "2024" in page and "LEXIMIN selection probabilities" in page
    assert "Proven exactly: every selectable applicant has the same chance" in page
    assert "Probability" not in page and "67%" not in page
    with scopes_disabled():
        Membership.objects.filter(user=s.staff).update(can_view_demographics=True)
    page = staff.get(s.url("run_detail", run_id=run.pk)).content.decode()
    assert "Probability" in page and "67%" in page
    probabilities = run.result["report"]["result"]["leximin"]["probabilities"]
    # Two of three Indigenous applicants get in: 2/3 each; two of three others: 2/3 each.
    assert all(abs(p - 2 / 3) < 0.01 for p in probabilities.values())
    assert len(run.selected_references) == 4
    csv = staff.get(s.url("run_csv", run_id=run.pk))
    assert csv["Content-Type"].startswith("text/csv")
    body = csv.content.decode()
    assert "2024" in body and "White One" in body


def test_staff_fixed_out_is_respected(organizer, client_for, django_capture_on_commit_callbacks):
    s = scenario.build(organizer)
    staff = client_for(s.staff)
    staff.post(s.url("set_fixed", application_id=s.people["White One"].pk), {"fixed": "out"})
    run, response = start(staff, s, django_capture_on_commit_callbacks)
    assert s.people["White One"].reference not in run.selected_references
    assert s.people["Black One"].reference in run.selected_references
    assert "fixed out by staff" in response.content.decode()


def test_run_page_polls_until_the_run_is_finished(organizer, client_for):
    s = scenario.build(organizer)
    staff = client_for(s.staff)
    with scope(organizer=organizer.pk):
        from applications import services

        run = services.start_run(call=s.call, kind="best", by=s.staff, seed=1)  # not executed: no commit here
    page = staff.get(s.url("run_detail", run_id=run.pk)).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Queued" in page
    with scope(organizer=organizer.pk):
        services.execute_run(run_id=run.pk)
    response = staff.get(s.url("run_status", run_id=run.pk), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true" and "Ready for review" in response.content.decode()


def test_two_declines_are_refilled_once_each_and_never_overfill(organizer, client_for,
                                                               django_capture_on_commit_callbacks):
    from applications import services

    s = scenario.build(organizer)
    staff = client_for(s.staff)
    run, _ = start(staff, s, django_capture_on_commit_callbacks, seed="5")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(s.url("confirm_run", run_id=run.pk))
    p = s.people
    with scope(organizer=organizer.pk):
        with django_capture_on_commit_callbacks(execute=False):  # both answers land before any refill runs
            for name in ("Indigenous Two", "White Two"):
                services.decline_offer(offer=p[name].offers.get(), by=p[name].applicant)
        for _ in range(3):  # the refill task may be delivered more than once
            services.fill_vacancies(call=s.call)
    assert status(p["Indigenous Three"]) == "offered" and status(p["Black One"]) == "offered"
    with scopes_disabled():
        assert Offer.objects.filter(status__in=["pending", "accepted"]).count() == 4
        assert SelectionRun.objects.filter(kind="replacement").count() == 1


def test_pool_dashboard_compares_a_run_and_then_the_seats_held(organizer, client_for,
                                                             django_capture_on_commit_callbacks):
    import re

    s = scenario.build(organizer)
    staff = client_for(s.staff)
    run, _ = start(staff, s, django_capture_on_commit_callbacks, seed="5")

    def quota_row(query="") -> str:
        body = re.sub(r">\s+<", "><", staff.get(s.url("pool", call_id=s.call.pk) + query).content.decode())
        return re.search(r'<th scope="row">Race or ethnicity: Indigenous</th>(.*?)</tr>', body).group(1)

    assert quota_row() == "<td>2</td><td>—</td><td>hidden</td><td>—</td><td>—</td>"
    assert quota_row(f"?run={run.pk}") == "<td>2</td><td>—</td><td>hidden</td><td>hidden</td><td>yes</td>"
    assert quota_row("?run=999") == quota_row()  # an unknown run is ignored
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(s.url("confirm_run", run_id=run.pk))
    assert quota_row().endswith("<td>hidden</td><td>yes</td>")


def test_a_run_left_running_by_a_dead_worker_is_solved_on_redelivery(organizer):
    from applications import services

    s = scenario.build(organizer)
    with scope(organizer=organizer.pk):
        run = services.start_run(call=s.call, kind="best", by=s.staff, seed=11)
        SelectionRun.objects.filter(pk=run.pk).update(status=SelectionRun.Status.RUNNING)
        first = services.execute_run(run_id=run.pk)
        again = services.execute_run(run_id=run.pk)  # a further delivery leaves the finished run alone
    assert first.status == again.status == SelectionRun.Status.DONE
    assert first.selected_references == again.selected_references and len(first.selected_references) == 4
    with scopes_disabled():
        assert s.call.audit_entries.filter(action="run_finished").count() == 1


def test_a_run_whose_enqueue_was_lost_is_resumed_by_the_sweep(organizer):
    """Started while the broker was down: the task never left, the sweep sends it again."""
    from datetime import timedelta

    from django.utils import timezone

    from applications import services, tasks

    s = scenario.build(organizer)
    with scope(organizer=organizer.pk):
        run = services.start_run(call=s.call, kind="best", by=s.staff, seed=5)  # on_commit never fires here
        assert tasks.resume_stalled_runs.apply().get() == 0  # a fresh queue is not stalled yet
        SelectionRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    assert tasks.resume_stalled_runs.apply().get() == 1
    with scope(organizer=organizer.pk):
        run.refresh_from_db()
    assert run.status == SelectionRun.Status.DONE and len(run.selected_references) == 4
    assert tasks.resume_stalled_runs.apply().get() == 0
