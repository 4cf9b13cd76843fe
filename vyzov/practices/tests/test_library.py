"""The library holds every practice the 2016/2017 contest reports name (with its city, subject and year,
quoted from the report) and the programme documents the brochure names (as it names them)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import login
from vyzov.practices import services
from vyzov.practices.models import LibraryDocument, Practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    services.load_reference_practices()


def named(title_part: str) -> Practice:
    return Practice.objects.get(
        title__contains=title_part, source_note__startswith=services.REPORT_PRACTICE_NOTE
    )


def test_the_practices_the_reports_name_are_in_their_cities_and_years(loaded):
    eforc = named("ЕФОРС")
    assert (eforc.settlement, eforc.subject.code, eforc.year) == ("Архангельск", "29", 2016)
    assert "Единая форма оценки ребенка и семьи (ЕФОРС)" in eforc.description
    dopp = named("ДоПП")
    assert (dopp.settlement, dopp.subject.code, dopp.year) == ("Гай", "56", 2016)
    chance = named("Бригада Шанс")
    assert (chance.settlement, chance.subject.code, chance.year) == ("г.п. Барсово", "86", 2017)
    assert chance.theme is not None and chance.theme.number == 3
    seeds = named("Зернышки добра")
    assert (seeds.settlement, seeds.subject.code) == ("Кумертау", "02")
    assert (
        Practice.objects.filter(source_note__startswith=services.REPORT_PRACTICE_NOTE, year=2016).count() > 3
    )
    assert "000_" not in eforc.source_note  # the report's title, not its file name


def test_the_brochures_documents_are_recorded_as_named_with_the_note(loaded):
    scenario = LibraryDocument.objects.get(
        title="Типовой сценарий проведения региональной стратегической сессии"
    )
    assert scenario.subject is None
    assert scenario.note == "текст в материалах программы не приводится"
    assert LibraryDocument.objects.filter(title__startswith="Шаблон презентации").exists()
    orenburg = LibraryDocument.objects.get(subject__code="56")
    assert orenburg.title.startswith("Постановление Правительства Оренбургской области")
    assert orenburg.theme is not None and orenburg.theme.number == 1  # the МРГ


def test_loading_twice_adds_nothing(loaded):
    practices, documents = Practice.objects.count(), LibraryDocument.objects.count()
    assert services.load_reference_practices() == 0
    assert (Practice.objects.count(), LibraryDocument.objects.count()) == (practices, documents)


def test_participant_of_chelyabinsk_finds_zernyshki_and_reads_the_documents(
    loaded, client, participant_chelyabinsk
):
    login(client, participant_chelyabinsk)
    found = client.get(reverse("practices:practice_list"), {"q": "Зернышки"}).content.decode()
    assert "Проект «Зернышки добра»" in found
    documents = client.get(reverse("practices:document_list")).content.decode()
    assert "Типовой сценарий проведения региональной стратегической сессии" in documents
    assert "текст в материалах программы не приводится" in documents
    api = APIClient()
    api.force_authenticate(participant_chelyabinsk)
    titles = {row["title"] for row in api.get("/api/v1/library/documents/").json()["results"]}
    assert "Шаблон презентации для проведения региональной стратегической сессии" in titles


def test_a_person_without_the_library_permission_sees_no_documents(loaded, client, django_user_model):
    stranger = django_user_model.objects.create_user(username="stranger", password="x" * 12, full_name="X")
    login(client, stranger)
    assert client.get(reverse("practices:document_list")).status_code == 403
    api = APIClient()
    api.force_authenticate(stranger)
    assert api.get("/api/v1/library/documents/").status_code == 403
