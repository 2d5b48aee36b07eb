# AffinityGroup and AffinityMembership moved from cohorts to sessions_app, next to their
# pages. Only Django's record of where the models live changes: the tables keep their
# names (Meta.db_table) and their rows, so every operation here is state-only.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("affinitygroup", "affinitymembership")


def _move_content_types(apps, source: str, target: str) -> None:
    # Admin history and permissions point at the content type: it moves with the models.
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def content_types_to_sessions(apps, schema_editor):
    _move_content_types(apps, "cohorts", "sessions_app")


def content_types_to_cohorts(apps, schema_editor):
    _move_content_types(apps, "sessions_app", "cohorts")


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0005_affinity_groups_leave_cohorts'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('organizers', '0002_alter_membership_role'),
        ('sessions_app', '0004_assistance_reply'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AffinityGroup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200)),
                        ('description', models.TextField(blank=True)),
                        ('cohort', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='affinity_groups', to='cohorts.cohort')),
                        ('facilitators', models.ManyToManyField(blank=True, related_name='affinity_groups', to='cohorts.facilitator')),
                        ('organizer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizers.organizer')),
                    ],
                    options={
                        'db_table': 'cohorts_affinitygroup',
                        'ordering': ['cohort', 'name'],
                    },
                ),
                migrations.AlterField(
                    model_name='session',
                    name='affinity_group',
                    field=models.ForeignKey(blank=True, help_text="Only this group's members, its facilitators and staff see the session.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='sessions_app.affinitygroup'),
                ),
                migrations.CreateModel(
                    name='AffinityMembership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('joined_at', models.DateTimeField(auto_now_add=True)),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='sessions_app.affinitygroup')),
                        ('organizer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizers.organizer')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='affinity_memberships', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'cohorts_affinitymembership',
                    },
                ),
                migrations.AddField(
                    model_name='affinitygroup',
                    name='members',
                    field=models.ManyToManyField(blank=True, related_name='affinity_groups', through='sessions_app.AffinityMembership', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddConstraint(
                    model_name='affinitymembership',
                    constraint=models.UniqueConstraint(fields=('group', 'person'), name='unique_affinity_membership'),
                ),
                migrations.AddConstraint(
                    model_name='affinitygroup',
                    constraint=models.UniqueConstraint(fields=('cohort', 'name'), name='unique_affinity_group_name'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_sessions, content_types_to_cohorts),
    ]
