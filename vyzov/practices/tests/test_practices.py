"""The practice library: Russian search by word forms, safe highlights, filters, who may add."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login, subject
from vyzov.accounts.access import NotInScope
from vyzov.practices import selectors, services
from vyzov.practices.models import LibraryDocument, Practice, PracticeFile, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(curator_altai):
    services.load_themes()
    father = Theme.objects.get(source="contest", number=4)
    return [
        services.practice_create(
            actor=curator_altai,
            data={
                "title": "Клуб отцов",
                "theme": father,
                "subject": subject("22"),
                "year": 2025,
                "description": "Каждая семья с детьми-подростками получает поддержку наставника.",
                "results": "Сорок семей в клубе",
            },
        ),
        services.practice_create(
            actor=curator_altai,
            data={
                "title": "Волонтёры",
                "subject": subject("22"),
                "year": 2024,
                "description": "Волонтёры помогают пожилым людям.",
                "results": "",
            },
        ),
    ]


def titles(actor, **filters):
    return [p.title for p in selectors.search(actor=actor, filters=selectors.Filters(**filters))]


def test_search_finds_another_word_form(library, curator_altai):
    assert titles(curator_altai, q="семьи") == ["Клуб отцов"]
    assert titles(curator_altai, q="волонтёров") == ["Волонтёры"]
    assert titles(curator_altai, q="космонавты") == []


@pytest.mark.usefixtures("library")
def test_postgres_ranks_and_highlights_with_the_russian_configuration(curator_altai, is_postgres):
    if not is_postgres:
        pytest.skip("full-text ranking and highlights are PostgreSQL features")
    found = list(selectors.search(actor=curator_altai, filters=selectors.Filters(q="семьями")))
    assert [p.title for p in found] == ["Клуб отцов"]
    assert "<mark>семья</mark>" in selectors.highlighted(found[0].headline).lower()


def test_highlights_never_let_markup_through(curator_altai, client, is_postgres):
    services.practice_create(
        actor=curator_altai,
        data={
            "title": "<script>alert(1)</script> семья",
            "subject": subject("22"),
            "year": 2025,
            "description": "<img src=x onerror=alert(1)> семья",
            "results": "",
        },
    )
    login(client, curator_altai)
    page = client.get(reverse("practices:practice_list"), {"q": "семья"}).content.decode()
    assert "<img src=x" not in page and "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; семья" in page  # the title, escaped


def test_filters_by_theme_and_year(library, curator_altai):
    father = Theme.objects.get(source="contest", number=4)
    assert titles(curator_altai, theme=father.pk) == ["Клуб отцов"]
    assert titles(curator_altai, year=2024) == ["Волонтёры"]


def test_only_the_subjects_people_add_its_practices(curator_perm, client):
    with pytest.raises(NotInScope):
        services.practice_create(
            actor=curator_perm,
            data={"title": "Чужая", "subject": subject("22"), "year": 2025, "description": "x"},
        )
    login(client, curator_perm)
    response = client.post(
        reverse("practices:practice_create"),
        {"title": "Чужая", "subject": subject("22").pk, "year": 2025, "description": "x"},
    )
    assert response.status_code == 200  # the form offers only Пермский край
    assert not Practice.objects.exists()


def test_a_practice_file_is_checked_and_saved_only_when_good(curator_altai):
    data = {"title": "С файлом", "subject": subject("22"), "year": 2025, "description": "x"}
    with pytest.raises(ValidationError, match="не соответствует"):
        services.practice_create(
            actor=curator_altai,
            data=data,
            uploaded=SimpleUploadedFile("a.pdf", b"GIF89a", content_type="application/pdf"),
        )
    assert not Practice.objects.exists()
    services.practice_create(
        actor=curator_altai, data=data, uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4")
    )
    assert PracticeFile.objects.count() == 1


def test_reference_practices_come_from_the_contest_reports_and_the_brochure(db):
    services.load_reference_practices()
    arkhangelsk = Practice.objects.filter(
        settlement="Архангельск", theme__number=10, source_note__startswith="Отчёт о конкурсе"
    ).get()
    assert "17 программ примирения" in arkhangelsk.description
    assert LibraryDocument.objects.filter(subject__code="22").exists()  # the brochure's examples: documents
    assert services.load_reference_practices() == 0  # once


def test_everyone_with_the_permission_reads_the_library_and_others_do_not(
    library, participant_chelyabinsk, client, django_user_model
):
    login(client, participant_chelyabinsk)
    assert client.get(reverse("practices:practice_detail", args=[library[0].pk])).status_code == 200
    stranger = django_user_model.objects.create_user(username="stranger", password="x" * 12, full_name="X")
    login(client, stranger)
    assert client.get(reverse("practices:practice_list")).status_code == 403
    assert client.get(reverse("practices:practice_detail", args=[library[0].pk])).status_code == 404
