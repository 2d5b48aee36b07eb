"""GIN index on the title's own search vector, on PostgreSQL only.

A search with more than CappedPaginator.cap matches ranks the resources whose title
matches (found through this index) and the first matches, not every match. The
expression is the one ``SearchVector("title", config="english")`` compiles to, so the
planner uses the index for ``library.selectors.title_matches``.
"""

from django.db import migrations

INDEX = "library_resource_title_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON library_resource "
            "USING gin (to_tsvector('english'::regconfig, COALESCE(title, '')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("library", "0002_search_vector_gin_index")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
