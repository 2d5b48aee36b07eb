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


class CallStaysClosedUntilReady(ReadinessInAdmin):
    """A call with a blocking item cannot be open: after saving, the switch goes off and says why."""

    readiness = "call"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        call = form.instance
        blocking = [c for c in _checklist("call")(call) if c.blocking]
        if blocking and call.open_for_applications:
            type(call).objects.filter(pk=call.pk).update(open_for_applications=False)
            call.open_for_applications = False
            messages.error(
                request,
                "The call is saved but stays closed to applicants until this is fixed: "
                + " ".join(c.message for c in blocking),
            )
