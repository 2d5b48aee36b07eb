"""Forms parse and validate input; the services decide and write."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model

from cohorts.models import Cohort, Facilitator, Module, Team

from .models import AffinityGroup, AssistanceRequest, Session, SessionFeedback


class SessionSeriesForm(forms.Form):
    """Admin: schedule a whole series at once, on the cohort's wall clock."""

    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none())
    module = forms.ModelChoiceField(queryset=Module.objects.none(), required=False)
    affinity_group = forms.ModelChoiceField(queryset=AffinityGroup.objects.none(), required=False)
    kind = forms.ChoiceField(choices=Session.Kind.choices, initial=Session.Kind.TRAINING)
    title = forms.CharField(max_length=180)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    first_date = forms.DateField(help_text="The series starts on or after this date.", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(help_text="Local time in the cohort's time zone; it stays the same across DST.",
                                 widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(min_value=15, max_value=12 * 60, initial=90)
    frequency = forms.ChoiceField(choices=[("weekly", "Weekly"), ("monthly", "Monthly")], initial="monthly")
    interval = forms.IntegerField(min_value=1, max_value=12, initial=1, help_text="Every 1, 2, ... weeks or months.")
    weekday = forms.TypedChoiceField(
        choices=[("", "Same weekday as the first date")] + [(i, d) for i, d in enumerate(
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])],
        coerce=int, empty_value=None, required=False,
    )
    setpos = forms.TypedChoiceField(
        label="Which one in the month", required=False, coerce=int, empty_value=None,
        choices=[("", "Every (weekly) / not set"), (1, "First"), (2, "Second"), (3, "Third"), (4, "Fourth"), (-1, "Last")],
        help_text="Monthly only, e.g. the second Tuesday.",
    )
    count = forms.IntegerField(min_value=1, max_value=60, required=False, help_text="How many sessions.")
    until = forms.DateField(required=False, help_text="Or: the last possible date.", widget=forms.DateInput(attrs={"type": "date"}))
    location = forms.CharField(max_length=300, required=False)
    video_url = forms.URLField(required=False)
    facilitators = forms.ModelMultipleChoiceField(queryset=Facilitator.objects.none(), required=False)

    def __init__(self, *args, organizer_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        def limit(qs):
            return qs if organizer_ids is None else qs.filter(organizer_id__in=organizer_ids)
        self.fields["cohort"].queryset = limit(Cohort.objects.select_related("program"))
        self.fields["module"].queryset = limit(Module.objects.all())
        self.fields["affinity_group"].queryset = limit(AffinityGroup.objects.all())
        self.fields["facilitators"].queryset = limit(Facilitator.objects.all())

    def clean(self):
        data = super().clean()
        cohort = data.get("cohort")
        if cohort:
            for name in ("module", "affinity_group"):
                obj = data.get(name)
                if obj is not None and obj.organizer_id != cohort.organizer_id:
                    self.add_error(name, "Choose one of the cohort's organizer.")
            if data.get("module") and data["module"].program_id != cohort.program_id:
                self.add_error("module", "This module belongs to another program.")
            if data.get("affinity_group") and data["affinity_group"].cohort_id != cohort.id:
                self.add_error("affinity_group", "This group belongs to another cohort.")
            if any(f.organizer_id != cohort.organizer_id for f in data.get("facilitators") or []):
                self.add_error("facilitators", "Choose facilitators of the cohort's organizer.")
        if not data.get("count") and not data.get("until"):
            self.add_error("count", "Give a number of sessions or a last date.")
        if data.get("setpos") is not None and data.get("frequency") != "monthly":
            self.add_error("setpos", "A position in the month only applies to monthly series.")
        return data


class SessionNotesForm(forms.Form):
    private_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text="Only staff and this cohort's facilitators see these.",
    )
    shared_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text="Participants of the session see this summary (Markdown).",
    )


class FollowUpForm(forms.Form):
    description = forms.CharField(max_length=500, label="Follow-up action")
    owner = forms.ChoiceField(label="For", help_text="One participant or one team.")
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, roster=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose…")]
        choices += [(f"person:{e.person.id}", e.person.display_name) for e in roster]
        choices += [(f"team:{t.id}", f"Team: {t}") for t in teams]
        self.fields["owner"].choices = choices

    def owner_ids(self) -> tuple[int | None, int | None]:
        kind, _, value = self.cleaned_data["owner"].partition(":")
        return (int(value), None) if kind == "person" else (None, int(value))


class AssistanceRequestForm(forms.ModelForm):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False,
                                  help_text="Ask on behalf of your team (optional).")

    class Meta:
        model = AssistanceRequest
        fields = ["topic", "description", "preferred_times", "team"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"preferred_times": "e.g. Tuesday or Thursday afternoons"}

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["team"].queryset = teams
        if not teams:
            del self.fields["team"]


class AssistanceAnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))


class AssistanceReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="Whoever handles your request is told, and an answered or closed request opens again.")


class AssistanceAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label="Assign to")

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["assignee"].queryset = candidates


class AssistanceAppointmentForm(forms.Form):
    """The TA call, typed on the wall clock of `zone` (the cohort's), which the labels name."""

    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="Starts at", widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label="Length in minutes", min_value=10, max_value=8 * 60, initial=60)
    where = forms.CharField(label="Where or how to join", max_length=500,
                            help_text="A room, a phone number or a video link: the participant gets it by email.")

    def __init__(self, *args, zone, instance: AssistanceRequest | None = None, **kwargs):
        self.zone = zone
        if instance is not None and instance.has_appointment and not args and "data" not in kwargs:
            local = instance.appointment_starts_at.astimezone(zone)
            minutes = round((instance.appointment_ends_at - instance.appointment_starts_at).total_seconds() / 60)
            kwargs["initial"] = {"day": local.date(), "start": local.time().replace(second=0, microsecond=0),
                                 "minutes": minutes, "where": instance.appointment_where}
        super().__init__(*args, **kwargs)
        self.fields["start"].help_text = f"Time in {zone.key} (the cohort's time zone)."

    def clean(self):
        data = super().clean()
        day, start, minutes = data.get("day"), data.get("start"), data.get("minutes")
        if day and start and minutes:
            naive = dt.datetime.combine(day, start)
            try:
                utc = naive.replace(tzinfo=self.zone).astimezone(dt.timezone.utc)
                (utc + dt.timedelta(minutes=minutes)).astimezone(self.zone)
            except (OverflowError, ValueError):
                self.add_error("day", "Choose a date within the next few years.")
                return data
            if utc.astimezone(self.zone).replace(tzinfo=None) != naive:
                # A wall-clock time skipped by the change to summer time does not exist.
                self.add_error("start", f"{start:%H:%M} does not exist on {day:%-d %B %Y} in {self.zone.key} "
                                        "(the clocks go forward); choose another time.")
            else:
                data["starts_at"] = utc
                data["ends_at"] = utc + dt.timedelta(minutes=minutes)
        return data


class BookingForm(forms.Form):
    topic = forms.CharField(max_length=300, required=False, label="What would you like to talk about?")


class RebookForm(forms.Form):
    slot = forms.IntegerField(label="New time")


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = SessionFeedback
        fields = ["rating", "comment"]
        widgets = {"rating": forms.RadioSelect, "comment": forms.Textarea(attrs={"rows": 3})}
        labels = {"rating": "How useful was the session?"}


class CheckInForm(forms.Form):
    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for index, question in enumerate(questions):
            self.fields[f"q{index}"] = forms.CharField(label=question, widget=forms.Textarea(attrs={"rows": 3}),
                                                       required=False)

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(name, "") for name in self.fields]
