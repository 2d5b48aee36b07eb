"""Writes of affinity groups: joining and leaving."""

from django.db import transaction

from ..models import AffinityGroup, AffinityMembership

from ..selectors.sessions import is_enrolled
from . import SessionsError


@transaction.atomic
def join_affinity_group(*, group: AffinityGroup, person) -> AffinityMembership:
    if not is_enrolled(person, group.cohort):
        raise SessionsError("Only participants enrolled in this cohort can join its groups.")
    membership, _ = AffinityMembership.objects.get_or_create(group=group, person=person,
                                                             defaults={"organizer_id": group.organizer_id})
    return membership



@transaction.atomic
def leave_affinity_group(*, group: AffinityGroup, person) -> None:
    deleted, _ = AffinityMembership.objects.filter(group=group, person=person).delete()
    if not deleted:
        raise SessionsError("You are not a member of this group.")
