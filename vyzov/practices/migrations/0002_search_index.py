"""A GIN index on the practices' search vector — PostgreSQL only (SQLite searches the normalised text)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS practice_search_vector ON practices_practice USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS practice_search_vector")


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
