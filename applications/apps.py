from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Applications and selection"

    def ready(self):
        # Application cohorts: freed seats run the call's replacement, and applications
        # follow their enrollments (cohorts/lifecycle.py owns every seat).
        from cohorts import display as catalog_display
        from cohorts import lifecycle
        from cohorts.models import Cohort

        from . import display, services

        lifecycle.set_vacancy_handler(Cohort.EnrollmentMode.APPLICATION, services.on_vacancy)
        lifecycle.add_transition_listener(services.on_enrollment_transition)
        # The catalog and program pages say what an application cohort's call is doing.
        catalog_display.set_application_display(
            catalog_display.ApplicationDisplay(state=display.application_state, apply_url=display.apply_url,
                                               my_applications=display.my_applications)
        )
