"""`check --deploy --fail-level WARNING` fails on any drf-spectacular warning (e.g. two `source` enums
that collide) — the schema is generated here so the suite says so before the deploy check does."""

from django.core.management import call_command


def test_olga_generates_the_api_schema_without_a_single_warning(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").stat().st_size > 10_000
