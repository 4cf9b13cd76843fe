"""Issue 15: the UI never shows a seed document's file name («004_….txt»), only the document's title."""

import pytest
from django.urls import reverse

from conftest import login
from vyzov.contests import history
from vyzov.contests.models import Contest
from vyzov.core.seeds import SEED_FILE_NAME, SEED_TITLES, with_titles
from vyzov.monitoring.models import ReferenceFigure
from vyzov.monitoring.reference import load_reference_figures
from vyzov.practices.models import Practice
from vyzov.practices.services import load_reference_practices


def test_with_titles_replaces_every_seed_file_name():
    text = "004_8790988a8189cf18.txt, слайд «Вызов»; 002_e19f77c7b47b31cc, раздел 3; 999_0123456789abcdef.md"
    titled = with_titles(text)
    assert SEED_FILE_NAME.search(titled) is None
    assert titled.startswith(SEED_TITLES["004_8790988a8189cf18"] + ", слайд «Вызов»")
    assert SEED_TITLES["002_e19f77c7b47b31cc"] in titled
    assert titled.endswith("документ программы")
    assert with_titles("Отчёт 2017 г., стр. 12") == "Отчёт 2017 г., стр. 12"  # other text untouched


@pytest.fixture
def references(db):
    history.load_history()
    load_reference_practices()
    load_reference_figures()


def test_loaded_references_store_titles_not_file_names(references):
    stored = [
        *Contest.objects.values_list("source", flat=True),
        *Practice.objects.values_list("source_note", flat=True),
        *ReferenceFigure.objects.values_list("source", flat=True),
    ]
    assert stored and not [text for text in stored if SEED_FILE_NAME.search(text)]
    assert Contest.objects.get(year=2017).source == SEED_TITLES["001_f56aa7abe4892c4a"]


def test_pages_show_the_title_even_for_a_text_stored_with_a_file_name(references, fed_analyst, client):
    contest = Contest.objects.get(year=2016)
    Contest.objects.filter(pk=contest.pk).update(source="000_d072226f5d896c06.txt")  # stored before the fix
    practice = Practice.objects.filter(source_note__startswith="Отчёт о конкурсе").first()
    Practice.objects.filter(pk=practice.pk).update(
        source_note="Отчёт о конкурсе 2016 г. (000_d072226f5d896c06.txt)"
    )
    login(client, fed_analyst)
    for url in (
        reverse("contests:contest_detail", args=[contest.pk]),
        reverse("contests:report", args=[contest.pk]),
        reverse("practices:practice_detail", args=[practice.pk]),
    ):
        page = client.get(url).content.decode()
        assert SEED_FILE_NAME.search(page) is None, url
        assert SEED_TITLES["000_d072226f5d896c06"] in page, url
