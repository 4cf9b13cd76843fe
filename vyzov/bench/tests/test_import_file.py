"""The bench's XLSX upload file is a file a region could really send: every row passes the import check."""

from __future__ import annotations

import pytest

from conftest import centre, make_org
from vyzov.bench.cases import _import_file, bench_surname
from vyzov.cases import imports
from vyzov.core.validators import validate_person_name

pytestmark = pytest.mark.django_db


def test_generated_surnames_are_names_and_distinct():
    names = [bench_surname(n) for n in range(12_000)]
    for name in names[:50] + names[-50:]:
        validate_person_name(name)
    assert len(set(names)) == len(names) and not any(char.isdigit() for char in "".join(names))


def test_every_generated_import_row_is_accepted():
    home = make_org("Центр содействия № 3", municipality=centre("22"))
    result = imports.validate_file(_import_file(home.subject, 120), subject=home.subject)
    assert result.errors == [] and len(result.rows) == 120
