import django.db.models.deletion
from django.db import migrations, models


def copy_link(apps, schema_editor):
    """Each library practice published from an application keeps its link, now on the contests side."""
    Practice = apps.get_model("practices", "Practice")
    ApplicationPractice = apps.get_model("contests", "ApplicationPractice")
    for practice_id, item_id in Practice.objects.filter(source_practice__isnull=False).values_list(
        "id", "source_practice_id"
    ):
        ApplicationPractice.objects.filter(pk=item_id).update(published_id=practice_id)
    fire_deferred_checks(schema_editor)


def copy_link_back(apps, schema_editor):
    Practice = apps.get_model("practices", "Practice")
    ApplicationPractice = apps.get_model("contests", "ApplicationPractice")
    for item_id, practice_id in ApplicationPractice.objects.filter(published__isnull=False).values_list(
        "id", "published_id"
    ):
        Practice.objects.filter(pk=practice_id).update(source_practice_id=item_id)
    fire_deferred_checks(schema_editor)


def fire_deferred_checks(schema_editor):
    """PostgreSQL defers foreign-key checks to the end of the transaction; the ALTER TABLE that follows in
    the same migration run refuses to start while such checks are pending, so fire them now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0003_text_and_date_validators"),
        ("practices", "0003_text_and_date_validators"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationpractice",
            name="published",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="practices.practice",
                verbose_name="в библиотеке практик",
            ),
        ),
        migrations.RunPython(copy_link, copy_link_back),
    ]
