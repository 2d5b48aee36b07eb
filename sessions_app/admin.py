from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django_scopes import scopes_disabled

from cohorts.admin import form_naming_person
from organizers.admin_base import OrganizerScopedAdmin, ScopedTabularInline, TenantModelForm
from organizers.admin_zones import ZonedDateTimesAdmin, zoned_column
from organizers.selectors import staff_organizer_ids

from .services import SessionsError
from .services.assistance import appointment_problem, cancel_appointment, schedule_appointment
from .services.office_hours import publish_office_hours
from .services.sessions import create_session_series, reschedule_session, series_starts
from .schedule import schedule_changed
from .forms import SessionSeriesForm
from .models import (
    AffinityGroup,
    AffinityMembership,
    AssistanceRequest,
    Attendance,
    CheckInRound,
    CohortSessionSettings,
    OfficeHourBooking,
    OfficeHourSlot,
    OfficeHourWindow,
    OrganizerMessagingSettings,
    Session,
    SessionNote,
)


class AttendanceInline(ScopedTabularInline):
    model = Attendance
    extra = 0
    fields = ["person", "organization", "status", "recorded_by"]
    raw_id_fields = ["person", "recorded_by"]


@admin.register(Session)
class SessionAdmin(ZonedDateTimesAdmin, OrganizerScopedAdmin):
    list_display = ["title", "cohort", "kind", "starts_at_zoned", "ends_at_zoned"]
    list_select_related = ["cohort__program"]
    starts_at_zoned = zoned_column("starts_at", zone_of=lambda s: s.cohort.time_zone, description="starts")
    ends_at_zoned = zoned_column("ends_at", zone_of=lambda s: s.cohort.time_zone, description="ends")
    list_filter = ["kind", "cohort__program", "cohort"]
    search_fields = ["title", "cohort__title"]
    date_hierarchy = "starts_at"
    inlines = [AttendanceInline]
    change_list_template = "admin/sessions_app/session/change_list.html"

    def get_urls(self):
        return [path("series/", self.admin_site.admin_view(self.series_view), name="sessions_app_session_series"),
                *super().get_urls()]

    def series_view(self, request):
        """Schedule a whole series (e.g. monthly on the second Tuesday) on the cohort's wall clock."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        allowed = None if request.user.is_superuser else staff_organizer_ids(request.user)
        form = SessionSeriesForm(request.POST or None, organizer_ids=allowed)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                starts = series_starts(
                    first_date=data["first_date"], start_time=data["start_time"], time_zone=str(data["cohort"].time_zone),
                    frequency=data["frequency"], interval=data["interval"] or 1, count=data["count"],
                    until=data["until"], weekday=data["weekday"], setpos=data["setpos"],
                )
                created = create_session_series(
                    cohort=data["cohort"], module=data["module"], affinity_group=data["affinity_group"],
                    kind=data["kind"], title=data["title"], description=data["description"],
                    duration_minutes=data["duration_minutes"], starts=starts, location=data["location"],
                    video_url=data["video_url"], facilitators=data["facilitators"],
                )
            except SessionsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Scheduled {len(created)} sessions.")
                return redirect(reverse("admin:sessions_app_session_changelist"))
        context = {**self.admin_site.each_context(request), "title": "Schedule a series of sessions", "form": form,
                   "opts": self.model._meta}
        return render(request, "admin/sessions_app/session/series.html", context)

    def save_model(self, request, obj, form, change):
        moved = change and {"starts_at", "ends_at"} & set(form.changed_data)
        if not moved:
            super().save_model(request, obj, form, change)
            if not change and obj.affinity_group_id is None:
                schedule_changed(obj.cohort)  # a new session: confirmed participants get the schedule
            return None
        # A changed time goes through the service, which tells everyone expected.
        new_start, new_end = obj.starts_at, obj.ends_at
        obj.starts_at, obj.ends_at = form.initial["starts_at"], form.initial["ends_at"]
        super().save_model(request, obj, form, change)
        reschedule_session(session=obj, starts_at=new_start, ends_at=new_end)
        obj.refresh_from_db()


@admin.register(SessionNote)
class SessionNoteAdmin(OrganizerScopedAdmin):
    list_display = ["session", "updated_by", "updated_at"]


@admin.register(CohortSessionSettings)
class CohortSessionSettingsAdmin(OrganizerScopedAdmin):
    list_display = ["cohort", "completion_min_attendance", "checkin_months"]


@admin.register(OrganizerMessagingSettings)
class OrganizerMessagingSettingsAdmin(OrganizerScopedAdmin):
    list_display = ["organizer", "session_reminder_hours", "office_hour_reminder_hours", "send_after_session_message"]


class SlotInline(ScopedTabularInline):
    model = OfficeHourSlot
    extra = 0
    fields = ["starts_at", "ends_at"]
    readonly_fields = ["starts_at", "ends_at"]


@admin.register(OfficeHourWindow)
class OfficeHourWindowAdmin(OrganizerScopedAdmin):
    list_display = ["title", "host", "first_date", "start_time", "repeat_weekly_until", "slots_per_window"]
    inlines = [SlotInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        slots = publish_office_hours(window=obj)
        messages.info(request, f"{len(slots)} slots are open for booking.")


@admin.register(OfficeHourBooking)
class OfficeHourBookingAdmin(OrganizerScopedAdmin):
    list_display = ["slot", "person", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["person__full_name", "person__email", "topic"]
    list_select_related = ["slot", "person"]
    readonly_fields = ["slot", "person", "status", "created_at", "cancelled_at"]

    def has_add_permission(self, request):
        return False  # bookings go through the booking page, which guards against double booking


APPOINTMENT_FIELDS = ("appointment_starts_at", "appointment_ends_at", "appointment_where")


# Choice querysets are built at import (no scope); the admin rebuilds them per request.
with scopes_disabled():

    class AssistanceRequestAdminForm(TenantModelForm):
        """A changed call is checked as the TA page checks it; saving it goes through the service."""

        class Meta:
            model = AssistanceRequest
            fields = "__all__"

        def clean(self):
            data = super().clean()
            if not set(APPOINTMENT_FIELDS) & set(self.changed_data):
                return data
            starts_at, ends_at = data.get("appointment_starts_at"), data.get("appointment_ends_at")
            if starts_at is None and ends_at is None:
                return data  # emptied: the call is cancelled
            if starts_at is None or ends_at is None:
                raise forms.ValidationError("Give both the start and the end of the call, or neither to cancel it.")
            if data.get("status") == AssistanceRequest.Status.CLOSED:
                raise forms.ValidationError("A closed request has no call; reopen it first.")
            problem = appointment_problem(starts_at=starts_at, ends_at=ends_at, where=data.get("appointment_where") or "")
            if problem:
                raise forms.ValidationError(problem)
            return data


@admin.register(AssistanceRequest)
class AssistanceRequestAdmin(ZonedDateTimesAdmin, OrganizerScopedAdmin):
    form = AssistanceRequestAdminForm
    list_display = ["topic", "requester", "cohort", "status", "assigned_to", "appointment_starts_at_zoned",
                    "created_at"]
    list_filter = ["status", "cohort"]
    search_fields = ["topic", "description", "requester__full_name", "requester__email"]
    list_select_related = ["requester", "cohort__program", "assigned_to"]
    date_hierarchy = "created_at"
    appointment_starts_at_zoned = zoned_column("appointment_starts_at", zone_of=lambda r: r.cohort.time_zone,
                                               description="call")

    def save_model(self, request, obj, form, change):
        if not set(APPOINTMENT_FIELDS) & set(form.changed_data):
            return super().save_model(request, obj, form, change)
        # The call goes through the service, which tells the participant and updates their calendar.
        starts_at, ends_at, where = (getattr(obj, name) for name in APPOINTMENT_FIELDS)
        for name in APPOINTMENT_FIELDS:
            setattr(obj, name, form.initial.get(name) if change else AssistanceRequest._meta.get_field(name).get_default())
        super().save_model(request, obj, form, change)
        try:
            if starts_at is not None:
                schedule_appointment(request_obj=obj, by=request.user, starts_at=starts_at, ends_at=ends_at,
                                     where=where)
            elif obj.has_appointment:
                cancel_appointment(request_obj=obj, by=request.user)
        except SessionsError as exc:
            messages.error(request, str(exc))
        obj.refresh_from_db()


@admin.register(CheckInRound)
class CheckInRoundAdmin(OrganizerScopedAdmin):
    list_display = ["cohort", "months_after", "due_on", "sent_at", "reminded_at"]


class AffinityMembershipInline(ScopedTabularInline):
    model = AffinityMembership
    form = form_naming_person(AffinityMembership)
    extra = 0
    fields = ["person"]


@admin.register(AffinityGroup)
class AffinityGroupAdmin(OrganizerScopedAdmin):
    list_display = ["name", "cohort"]
    list_filter = ["cohort", "organizer"]
    search_fields = ["name"]
    inlines = [AffinityMembershipInline]
