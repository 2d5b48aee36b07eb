"""GIN index on the stored search vector, on PostgreSQL only.

SQLite has no tsvector or GIN; there the library searches by substring and the
column stays empty, so the migration does nothing.
"""

from django.db import migrations

INDEX = "library_resource_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON library_resource USING gin (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
