"""Reads of affinity groups."""

from ..models import AffinityGroup
from organizers.selectors import is_staff_at


def can_see_affinity_group(user, group: AffinityGroup) -> bool:
    if is_staff_at(user, group.organizer_id):
        return True
    return group.members.filter(id=user.id).exists() or group.facilitators.filter(user=user).exists()
