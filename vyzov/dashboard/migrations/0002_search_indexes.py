"""Indexes of the global search — PostgreSQL only (SQLite searches the normalised names without them).

pg_trgm and GIN trigram indexes on the normalised name columns (word-prefix and substring search, and
the similarity of a child's surname for typos), and GIN full-text indexes in the `russian`
configuration on the names of children and families. The expressions are written exactly as
`vyzov.dashboard.search_engine` queries them, so that the planner uses the indexes.
"""

from django.db import migrations

TRIGRAM_INDEXES = {
    "search_child_name_trgm": ("cases_child", "search_name gin_trgm_ops"),
    "search_child_surname_trgm": ("cases_child", "(split_part(search_name, ' ', 1)) gin_trgm_ops"),
    "search_family_name_trgm": ("cases_family", "search_name gin_trgm_ops"),
    "search_organization_name_trgm": ("territories_organization", "search_name gin_trgm_ops"),
    "search_user_name_trgm": ("accounts_user", "search_name gin_trgm_ops"),
}
FULL_TEXT_INDEXES = {
    "search_child_name_russian": "cases_child",
    "search_family_name_russian": "cases_family",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column})")
    for name, table in FULL_TEXT_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (to_tsvector('russian', search_name))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [*TRIGRAM_INDEXES, *FULL_TEXT_INDEXES]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_notifications"),
        ("cases", "0007_text_and_date_validators"),
        ("territories", "0002_text_and_date_validators"),
        ("accounts", "0003_text_and_date_validators"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
