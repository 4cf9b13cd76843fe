"""Squash an app's migrations into one whose operations are the app's models as they are now.

Django's `squashmigrations` keeps most AlterField operations (its optimizer cannot move them past an
AddIndex), and on SQLite every AlterField rebuilds its table: a fresh `migrate` spent most of its time
there. This script runs `squashmigrations` (which writes `replaces` and the dependencies, so databases
that applied the old migrations keep working), then replaces the operations by those of an initial
migration made from the current models, with indexes and constraints inside CreateModel.

Only squash up to the app's latest migration, and only apps whose data migrations (RunPython) convert
existing rows of the app itself: mark those `elidable=True` first. Check afterwards with
`makemigrations --check` and by comparing the schema of a fresh database with one migrated the old way.

    DJANGO_SETTINGS_MODULE=config.settings.dev python scripts/squash_migrations.py support cases ...
"""

from __future__ import annotations

import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.migrations import operations as ops  # noqa: E402
from django.db.migrations.autodetector import MigrationAutodetector  # noqa: E402
from django.db.migrations.graph import MigrationGraph  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402
from django.db.migrations.questioner import NonInteractiveMigrationQuestioner  # noqa: E402
from django.db.migrations.state import ProjectState  # noqa: E402
from django.db.migrations.utils import resolve_relation  # noqa: E402
from django.db.migrations.writer import MigrationWriter  # noqa: E402

HEADER = """\
# Squashed by scripts/squash_migrations.py: the operations are the app's models as they are now, so a
# fresh database gets each table at once (on SQLite every AlterField rebuilt its table); databases
# that applied the replaced migrations keep them. Their data migrations only convert existing
# rows of this app and are elided: a database that runs this migration has no such rows.
"""


def _same_app_targets(app_label: str, fields, bases=()) -> set[str]:
    """Models of this app that these fields point to (or that are bases): they must exist first."""
    targets = set()
    for _name, field in fields:
        if field.is_relation:
            targets.add(resolve_relation(field.remote_field.model, app_label))
            through = getattr(field.remote_field, "through", None)
            if through:
                targets.add(resolve_relation(through, app_label))
    for base in bases:
        if isinstance(base, str):
            targets.add(resolve_relation(base, app_label))
    return {name for label, name in targets if label == app_label}


def _order_creates(app_label: str, operations: list) -> list | None:
    """Every CreateModel with its later AddFields inside, ordered so that a model comes after the
    models it points to; the AddFields of nullable relations stay apart only to break a cycle
    (SQLite adds a nullable column without rebuilding). None: no such order."""
    creates = [op for op in operations if isinstance(op, ops.CreateModel)]
    created = {op.name_lower for op in creates}
    add_fields = [op for op in operations if isinstance(op, ops.AddField) and op.model_name_lower in created]
    others = [op for op in operations if op not in creates and op not in add_fields]
    for apart in ([], [op for op in add_fields if op.field.null and not op.field.many_to_many]):
        fields = {op.name_lower: list(op.fields) for op in creates}
        for op in add_fields:
            if op not in apart:
                fields[op.model_name_lower].append((op.name, op.field))
        needs = {
            op.name_lower: _same_app_targets(app_label, fields[op.name_lower], op.bases) - {op.name_lower}
            for op in creates
        }
        ordered, done = [], set()
        while len(ordered) < len(creates):
            ready = [op for op in creates if op.name_lower not in done and needs[op.name_lower] <= done]
            if not ready:
                break
            ordered.append(ready[0])
            done.add(ready[0].name_lower)
        else:
            rebuilt = [
                ops.CreateModel(
                    op.name,
                    fields[op.name_lower],
                    options=dict(op.options),
                    bases=op.bases,
                    managers=op.managers,
                )
                for op in ordered
            ]
            return rebuilt + apart + others
    return None


def fold(app_label: str, operations: list) -> list:
    """Fewer operations for a new database: related fields inside their CreateModel where an order of
    the models allows it, and AddIndex/AddConstraint of a model created here in its CreateModel
    (SQLite rebuilds a table for each added constraint) unless they name a field added later."""
    operations = _order_creates(app_label, operations) or operations
    created = {op.name_lower: op for op in operations if isinstance(op, ops.CreateModel)}
    added: dict[str, set[str]] = {}
    for op in operations:
        if isinstance(op, ops.AddField):
            added.setdefault(op.model_name_lower, set()).add(op.name)
    result = []
    for op in operations:
        if isinstance(op, ops.AddIndex | ops.AddConstraint) and op.model_name_lower in created:
            item = op.index if isinstance(op, ops.AddIndex) else op.constraint
            if not any(name in repr(item.deconstruct()) for name in added.get(op.model_name_lower, ())):
                key = "indexes" if isinstance(op, ops.AddIndex) else "constraints"
                options = created[op.model_name_lower].options
                options[key] = [*options.get(key, []), item]
                continue
        result.append(op)
    return result


def main(app_labels: list[str]) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    names = {}
    for app_label in app_labels:
        (leaf,) = loader.graph.leaf_nodes(app_label)
        call_command("squashmigrations", app_label, leaf[1], interactive=False, verbosity=0)
        names[app_label] = f"0001_squashed_{leaf[1]}"
    # An initial migration per app from an empty state: every model at once, nothing altered later.
    detector = MigrationAutodetector(
        ProjectState(),
        ProjectState.from_apps(apps),
        NonInteractiveMigrationQuestioner(specified_apps={c.label for c in apps.get_app_configs()}),
    )
    changes = detector.changes(graph=MigrationGraph())
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    for app_label, name in names.items():
        (fresh,) = changes[app_label]  # two would mean a cycle inside the app: squash by hand
        squashed = loader.disk_migrations[app_label, name]
        squashed.operations = fold(app_label, fresh.operations)
        writer = MigrationWriter(squashed)
        first, rest = writer.as_string().split("\n", 1)
        Path(writer.path).write_text(f"{first}\n{HEADER}{rest}")
        print(f"{writer.path}: {len(squashed.operations)} operations")


if __name__ == "__main__":
    main(sys.argv[1:])
