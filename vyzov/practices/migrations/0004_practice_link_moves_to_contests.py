from django.db import migrations


class Migration(migrations.Migration):
    """The practice–application link now lives on contests.ApplicationPractice.published (copied there by
    contests 0004 before this removes it): the library knows nothing of contests."""

    dependencies = [
        ("practices", "0003_text_and_date_validators"),
        ("contests", "0004_practice_link_owned_by_contests"),
    ]

    operations = [
        migrations.RemoveField(model_name="practice", name="source_practice"),
    ]
