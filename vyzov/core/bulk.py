"""bulk_create for the large synthetic loads (demo, national data set) with less work per value.

Django's bulk_create passes each value of each row through the SQL compiler (pre_save, the field's
database preparation, a placeholder per value): about ten microseconds a value, most of the time of
`load_demo` once the rows are built. Here the values of the plain field types that need no
conversion (a str for a CharField, an int for an integer or a foreign key, a bool, None) go to the
database as they are, auto_now timestamps are prepared once per call; every other value takes the
field's own get_db_prep_save, so the rows written are the same. Models or fields it does not know go to bulk_create unchanged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import NotSupportedError, connections, models, router, transaction
from django.db.models import NOT_PROVIDED
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

M = TypeVar("M", bound=models.Model)
# PostgreSQL takes at most 65 535 parameters in one statement (Django's batch size has no limit there).
MAX_PARAMETERS = 65_535

# Field classes (exactly these, not subclasses) whose get_db_prep_save returns a value of these types
# (or None) unchanged; pre_save of these classes only reads the attribute.
_AS_IS: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.EmailField: (str,),
    models.URLField: (str,),
    models.IntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.BigIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
    models.BooleanField: (bool,),
    models.ForeignKey: (int,),
    models.OneToOneField: (int,),
}


def _fast_path(model: type[models.Model], using: str) -> bool:
    connection = connections[using]
    meta = model._meta
    return (
        connection.features.can_return_rows_from_bulk_insert
        and not meta.parents
        and isinstance(meta.pk, AutoFieldMixin)
        and all(field.db_default is NOT_PROVIDED for field in meta.concrete_fields)
    )


def bulk_insert(objs: Sequence[M], *, batch_size: int | None = None) -> list[M]:
    """Insert new objects (no primary key yet) like `Model.objects.bulk_create(objs)`: the objects
    get their primary keys; no save(), no signals."""
    if not objs:
        return list(objs)
    model = type(objs[0])
    using = router.db_for_write(model)
    if not _fast_path(model, using) or any(obj.pk is not None for obj in objs):
        return model._default_manager.bulk_create(objs, batch_size=batch_size)
    connection = connections[using]
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field is not meta.pk]
    # Other fields (dates, auto_now, JSON...) always take pre_save and the field's preparation.
    as_is = [(*_AS_IS[type(field)], type(None)) if type(field) in _AS_IS else () for field in fields]
    size = min(connection.ops.bulk_batch_size(fields, objs), MAX_PARAMETERS // len(fields))
    size = min(size, batch_size) if batch_size else size
    quote = connection.ops.quote_name
    # Names from the model's metadata, quoted; the values go as parameters.
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(field.column)) for field in fields)}) VALUES "  # noqa: S608
    row = f"({', '.join(['%s'] * len(fields))})"
    returning = f" RETURNING {quote(str(meta.pk.column))}"
    # auto_now / auto_now_add: one moment for the whole call (bulk_create takes one per row).
    now = timezone.now()
    stamps = {
        field.attname: field.get_db_prep_save(now, connection)
        for field in fields
        if type(field) is models.DateTimeField and (field.auto_now or field.auto_now_add)
    }
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            part = objs[start : start + size]
            params = []
            for obj in part:
                obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
                for field, types in zip(fields, as_is, strict=True):
                    if field.attname in stamps:
                        setattr(obj, field.attname, now)
                        params.append(stamps[field.attname])
                        continue
                    value = getattr(obj, field.attname)
                    if type(value) not in types:  # exact types: a bool is an int, a str subclass may convert
                        value = field.get_db_prep_save(field.pre_save(obj, True), connection)
                    params.append(value)
            cursor.execute(head + ", ".join([row] * len(part)) + returning, params)
            keys = cursor.fetchall()
            if len(keys) != len(part):
                raise NotSupportedError("the database did not return a key for each inserted row")
            for obj, (key,) in zip(part, keys, strict=True):
                obj.pk = key
                obj._state.adding = False
                obj._state.db = using
    return list(objs)
