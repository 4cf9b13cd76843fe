"""One deadline rule: `DataSet.deadline_for` = the `deadline_days`-th day after the period ends
(20: 20.04 for 01.04). The main data set moves from its seeded 30 days to 20 where it still has the
seeded 30; other data sets keep their deadline date (the rule counted from the reporting date
before, one day later: +1 keeps the same date)."""

import django.core.validators
from django.db import migrations, models
from django.db.models import F

MAIN_DATA_SET = "vyzov_quarterly"


def forwards(apps, schema_editor):
    DataSet = apps.get_model("monitoring", "DataSet")
    DataSet.objects.filter(code=MAIN_DATA_SET, deadline_days=30).update(deadline_days=20)
    DataSet.objects.exclude(code=MAIN_DATA_SET).filter(deadline_days__lt=366).update(
        deadline_days=F("deadline_days") + 1
    )


def backwards(apps, schema_editor):
    DataSet = apps.get_model("monitoring", "DataSet")
    DataSet.objects.filter(code=MAIN_DATA_SET, deadline_days=20).update(deadline_days=30)
    DataSet.objects.exclude(code=MAIN_DATA_SET).filter(deadline_days__gt=1).update(
        deadline_days=F("deadline_days") - 1
    )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_squashed_0005_seed_titles"),
    ]

    # Python-side default and labels only: nothing changes in the database schema (SQLite would
    # otherwise rebuild the tables), so the field changes are state-only.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="dataset",
                    name="deadline_days",
                    field=models.PositiveSmallIntegerField(
                        default=20,
                        help_text="Отчёт сдаётся не позже этого дня после окончания периода: 20 — данные на 01.04 до 20.04.",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(366),
                        ],
                        verbose_name="срок сдачи, дней после окончания периода",
                    ),
                ),
                migrations.AlterField(
                    model_name="indicator",
                    name="territory_level",
                    field=models.CharField(
                        choices=[("subject", "субъект РФ"), ("municipality", "муниципалитет")],
                        default="subject",
                        help_text="Муниципалитет: регион вводит значение по каждому муниципалитету, значение субъекта — их свод (по правилу «свод по территориям»).",
                        max_length=12,
                        verbose_name="уровень, на котором вводится",
                    ),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
