from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Applications and selection"

    def ready(self):
        # Application cohorts: freed seats run the call's replacement, and applications
        # follow their enrollments (cohorts/lifecycle.py owns every seat).
        from cohorts import lifecycle
        from cohorts.models import Cohort

        from . import services

        lifecycle.set_vacancy_handler(Cohort.EnrollmentMode.APPLICATION, services.on_vacancy)
        lifecycle.add_transition_listener(services.on_enrollment_transition)
