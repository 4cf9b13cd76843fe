"""Seed document file names in stored texts replaced by the documents' titles (vyzov.core.seeds)."""

from django.db import migrations

from vyzov.core.seeds import with_titles


def forwards(apps, schema_editor):
    model = apps.get_model("monitoring", "ReferenceFigure")
    for pk, text in model.objects.filter(source__contains="_").values_list("pk", "source"):
        titled = with_titles(text)[:400]
        if titled != text:
            model.objects.filter(pk=pk).update(source=titled)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0004_indicators_as_data")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
