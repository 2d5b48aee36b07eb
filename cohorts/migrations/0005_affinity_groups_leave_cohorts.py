# AffinityGroup and AffinityMembership moved from cohorts to sessions_app, next to their
# pages. Only Django's record of where the models live changes: the tables keep their
# names (Meta.db_table) and their rows, so every operation here is state-only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0004_team_invitation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='affinitygroup',
                    name='cohort',
                ),
                migrations.RemoveField(
                    model_name='affinitygroup',
                    name='facilitators',
                ),
                migrations.RemoveField(
                    model_name='affinitygroup',
                    name='members',
                ),
                migrations.RemoveField(
                    model_name='affinitygroup',
                    name='organizer',
                ),
                migrations.RemoveField(
                    model_name='affinitymembership',
                    name='group',
                ),
                migrations.RemoveField(
                    model_name='affinitymembership',
                    name='organizer',
                ),
                migrations.RemoveField(
                    model_name='affinitymembership',
                    name='person',
                ),
            ],
            database_operations=[],
        ),
    ]
