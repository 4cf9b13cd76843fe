"""Seed document file names in stored texts replaced by the documents' titles (vyzov.core.seeds)."""

from django.db import migrations

from vyzov.core.seeds import with_titles


def forwards(apps, schema_editor):
    model = apps.get_model("practices", "Practice")
    for pk, text in model.objects.filter(source_note__contains="_").values_list("pk", "source_note"):
        titled = with_titles(text)[:300]
        if titled != text:
            model.objects.filter(pk=pk).update(source_note=titled)


class Migration(migrations.Migration):
    dependencies = [("practices", "0004_practice_link_moves_to_contests")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
