"""List filters behind the admin home's links (workplace.selectors)."""

from django.contrib import admin
from django.utils import timezone

from . import selectors


class ReviewsWantedFilter(admin.SimpleListFilter):
    title = "reviews"
    parameter_name = "reviews"

    def lookups(self, request, model_admin):
        return [("wanted", "Fewer reviews than wanted")]

    def queryset(self, request, queryset):
        if self.value() == "wanted":
            return queryset.filter(pk__in=selectors.applications_waiting_for_review().values("pk"))
        return queryset


class TeamConfirmationFilter(admin.SimpleListFilter):
    title = "team"
    parameter_name = "team"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting for members to confirm")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(pk__in=selectors.applications_with_unconfirmed_team_members().values("pk"))
        return queryset


class StartsSoonFilter(admin.SimpleListFilter):
    title = "starting soon"
    parameter_name = "starts_soon"

    def lookups(self, request, model_admin):
        return [("no_sessions", "Within 30 days, without sessions")]

    def queryset(self, request, queryset):
        if self.value() == "no_sessions":
            soon = selectors.cohorts_starting_soon_without_sessions(today=timezone.localdate())
            return queryset.filter(pk__in=soon.values("pk"))
        return queryset


class OfferExpiresSoonFilter(admin.SimpleListFilter):
    title = "offer"
    parameter_name = "offer"

    def lookups(self, request, model_admin):
        return [("expiring", "Expires within 48 hours")]

    def queryset(self, request, queryset):
        if self.value() == "expiring":
            return queryset.filter(pk__in=selectors.offers_expiring_soon(now=timezone.now()).values("pk"))
        return queryset
