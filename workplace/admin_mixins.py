"""Admin pieces that show staff what a record still lacks (see workplace.readiness)."""

from importlib import import_module

from django.contrib import messages


def _checklist(name: str):
    return getattr(import_module("workplace.readiness"), f"{name}_checklist")


class ReadinessInAdmin:
    """Shows the record's checklist above its change form.

    `readiness` names the checklist (`call`, `cohort`, `program` in workplace.readiness);
    it is looked up when a page is drawn, so apps that the checklists read can use this
    mixin without importing each other at load time.
    """

    readiness: str = ""
    change_form_template = "workplace/change_form_with_checklist.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.readiness:
            context["checklist"] = _checklist(self.readiness)(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


class HiddenUntilReady(ReadinessInAdmin):
    """A record with a blocking item is not shown to people: saving it switches it back
    to hidden (closed, unpublished, draft) and says why. The rest of the save stands, so
    staff keep their work and fix the item at their pace.
    """

    shown_field: str = ""
    hidden_value = False
    kept_from_people: str = ""  # "stays closed to applicants", finishing "The call is saved but …"

    def is_shown(self, obj) -> bool:
        return getattr(obj, self.shown_field) != self.hidden_value

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        to_fix = [c for c in _checklist(self.readiness)(obj) if c.blocking]
        if to_fix and self.is_shown(obj):
            # save() again, not update(): the page cache and the audit hear of it as of any change.
            setattr(obj, self.shown_field, self.hidden_value)
            obj.save(update_fields=[self.shown_field])
            messages.error(
                request,
                f"The {obj._meta.verbose_name} is saved but {self.kept_from_people} until this is fixed: "
                + " ".join(c.message for c in to_fix),
            )


class CallStaysClosedUntilReady(HiddenUntilReady):
    readiness = "call"
    shown_field = "open_for_applications"
    kept_from_people = "stays closed to applicants"


class CohortStaysUnpublishedUntilReady(HiddenUntilReady):
    readiness = "cohort"
    shown_field = "is_published"
    kept_from_people = "is not published"


class ProgramStaysDraftUntilReady(HiddenUntilReady):
    readiness = "program"
    shown_field = "status"
    hidden_value = "draft"  # Program.Status.DRAFT; an archived program is hidden already
    kept_from_people = "stays a draft"

    def is_shown(self, obj) -> bool:
        return obj.status == "published"
