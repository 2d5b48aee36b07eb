# AffinityGroup and AffinityMembership moved from cohorts to sessions_app, next to their
# pages. Only Django's record of where the models live changes: the tables keep their
# names (Meta.db_table) and their rows, so every operation here is state-only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0005_affinity_groups_leave_cohorts'),
        ('community', '0003_space_affinity_group_in_sessions'),
        ('library', '0004_resource_affinity_group_in_sessions'),
        ('sessions_app', '0005_affinity_groups_join_sessions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='AffinityGroup',
                ),
                migrations.DeleteModel(
                    name='AffinityMembership',
                ),
            ],
            database_operations=[],
        ),
    ]
