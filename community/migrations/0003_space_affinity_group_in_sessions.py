# AffinityGroup and AffinityMembership moved from cohorts to sessions_app, next to their
# pages. Only Django's record of where the models live changes: the tables keep their
# names (Meta.db_table) and their rows, so every operation here is state-only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0002_thread_search_gin_index'),
        ('sessions_app', '0005_affinity_groups_join_sessions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='space',
                    name='affinity_group',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='spaces', to='sessions_app.affinitygroup'),
                ),
            ],
            database_operations=[],
        ),
    ]
