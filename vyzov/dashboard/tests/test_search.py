"""Global search: what is found, by whom (scope and personal-data rights from both sides), the audit
row, typo tolerance on both engines, bounded queries and hostile input."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login, make_org, subject
from vyzov.cases.tests.factories import make_child, make_family, valid_snils
from vyzov.consilium import services as consilium_services
from vyzov.consilium.models import Level
from vyzov.core.models import AuditAction, AuditEntry
from vyzov.dashboard.search import global_search
from vyzov.dashboard.search_engine import edit_distance, is_typo_of, parse_query, stem
from vyzov.ngo_aid.tests.test_ngo_aid import forms, irkutsk, new_request, operator_irkutsk  # noqa: F401
from vyzov.support.tests.test_support import open_case, service_in, specialist_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
URL = "/search/"


@pytest.fixture
def ivanova(db):
    return make_child(
        centre("22"),
        last_name="Иванова",
        first_name="Мария",
        middle_name="Петровна",
        birth_date=dt.date(2014, 5, 6),
        snils=valid_snils(123_456_789),
        birth_certificate="IV-ТО 654321",
    )


@pytest.fixture
def smirnov(db):
    return make_child(centre("22"), last_name="Смирнов", first_name="Олег", birth_date=dt.date(2016, 1, 2))


@pytest.fixture
def perm_child(db):
    return make_child(centre("59"), last_name="Пермякова", first_name="Анна", snils=valid_snils(987_654_321))


def search(client, user, q):
    login(client, user)
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return response


def hits(user, q, kind):
    result = global_search(actor=user, q=q)
    return [hit for group in result.groups if group.kind == kind for hit in group.hits]


def search_audit_rows(user):
    return AuditEntry.objects.filter(actor=user, action=AuditAction.VIEW_PERSONAL, details__kind="search")


# ---- parsing and the fallback engine's pieces --------------------------------------------------------


def test_parse_query_recognises_numbers_snils_certificates_and_words():
    assert parse_query("№ 123").number == 123
    assert parse_query("123").number == 123
    assert parse_query("123-456-789 64").snils == "123-456-789 64"
    assert parse_query("12345678964").snils == "123-456-789 64"
    assert parse_query("123 456 789 64").snils == "123-456-789 64"
    assert parse_query("iv-то 654321").certificate == "IV-ТО 654321"
    assert parse_query("  Иванова   Мария ").words == ["иванова", "мария"]
    assert parse_query("%_.*[").is_empty
    assert parse_query("").is_empty


def test_stem_and_typo_rules():
    assert stem("смирнова") == "смирнов"
    assert stem("ивановых") == "иванов"
    assert edit_distance("иванво", "иванов") == 1  # a transposition is one edit
    assert is_typo_of("иванво", "иванова")
    assert not is_typo_of("иванво", "петрова")
    assert not is_typo_of("иво", "ива")  # short words: no guessing


# ---- children --------------------------------------------------------------------------------------


def test_finds_a_child_by_surname_and_by_another_form_of_it(municipal_barnaul, ivanova, smirnov):
    assert [h.title for h in hits(municipal_barnaul, "Иванова", "children")] == ["Иванова Мария Петровна"]
    assert [h.title for h in hits(municipal_barnaul, "Смирнова", "children")] == ["Смирнов Олег Петрович"]
    found = hits(municipal_barnaul, "иванова мария", "children")
    assert found[0].url == reverse("cases:child_detail", args=[ivanova.pk])
    assert "2014 г. р." in found[0].detail and "Барнаул" in found[0].detail


def test_finds_a_child_by_surname_with_a_typo(municipal_barnaul, ivanova, smirnov):
    assert [h.title for h in hits(municipal_barnaul, "Иванво", "children")] == ["Иванова Мария Петровна"]
    assert [h.title for h in hits(municipal_barnaul, "Смрнов", "children")] == ["Смирнов Олег Петрович"]
    assert hits(municipal_barnaul, "Петросян", "children") == []


def test_finds_a_child_by_snils_with_and_without_formatting(municipal_barnaul, ivanova):
    for q in (
        ivanova.snils,
        ivanova.snils.replace("-", "").replace(" ", ""),
        ivanova.snils.replace("-", " "),
    ):
        assert [h.url for h in hits(municipal_barnaul, q, "children")] == [
            reverse("cases:child_detail", args=[ivanova.pk])
        ], q


def test_finds_a_child_by_birth_certificate(municipal_barnaul, ivanova):
    assert len(hits(municipal_barnaul, "IV-ТО 654321", "children")) == 1
    assert len(hits(municipal_barnaul, "iv-то654321", "children")) == 1


def test_the_page_links_the_child_card(client, municipal_barnaul, ivanova):
    response = search(client, municipal_barnaul, "Иванво")
    html = response.content.decode()
    assert reverse("cases:child_detail", args=[ivanova.pk]) in html and "Иванова Мария Петровна" in html


def test_curator_never_finds_a_child_of_another_region(curator_altai, curator_perm, ivanova, perm_child):
    assert hits(curator_altai, "Иванова", "children") and not hits(curator_altai, "Пермякова", "children")
    assert not hits(curator_altai, perm_child.snils, "children")
    assert not hits(curator_altai, str(perm_child.pk), "children")
    assert hits(curator_perm, "Пермякова", "children") and not hits(curator_perm, "Иванова", "children")
    assert not hits(curator_perm, ivanova.snils, "children")
    assert not hits(curator_perm, "IV-ТО 654321", "children")


def test_analyst_finds_organisations_but_never_a_child(analyst, fed_analyst, curator_altai, ivanova):
    make_org("Центр помощи детям Иванова", municipality=centre("22"))
    for user in (analyst, fed_analyst):
        for q in ("Иванова", ivanova.snils, "IV-ТО 654321", "Иванво"):
            assert not hits(user, q, "children"), (user, q)
            assert not hits(user, q, "families"), (user, q)
        assert [h.title for h in hits(user, "центр помощи", "organizations")] == [
            "Центр помощи детям Иванова"
        ]
    # The federal analyst sees the register without names: by number only, and without the name.
    by_number = hits(fed_analyst, str(ivanova.pk), "children")
    assert by_number and by_number[0].title == f"Ребёнок № {ivanova.pk}" and "2014" not in by_number[0].detail
    assert hits(curator_altai, ivanova.snils, "children")  # the other side: a curator finds her


# ---- other kinds ------------------------------------------------------------------------------------


def test_finds_a_family_by_name(municipal_barnaul, curator_perm):
    family = make_family(centre("22"), title="Семья Кузнецовых")
    found = hits(municipal_barnaul, "Кузнецов", "families")
    assert [h.url for h in found] == [reverse("cases:family_detail", args=[family.pk])]
    assert found[0].title == "Семья Кузнецовых"
    assert not hits(curator_perm, "Кузнецовых", "families")


def test_the_word_family_alone_lists_no_family_but_helps_with_a_surname(municipal_barnaul):
    """«семья» is in nearly every family's title: alone it narrows nothing (and would rank every family
    of the country), so it finds no family; «Семья Кузнецовых» still finds the Кузнецовы."""
    kuznetsovs = make_family(centre("22"), title="Семья Кузнецовых")
    make_family(centre("22"), title="Семья Орловых")
    assert not hits(municipal_barnaul, "семья", "families")
    assert not hits(municipal_barnaul, "Семьи", "families")
    found = hits(municipal_barnaul, "Семья Кузнецовых", "families")
    assert [h.url for h in found] == [reverse("cases:family_detail", args=[kuznetsovs.pk])]
    assert [h.title for h in hits(municipal_barnaul, "семьёй Орловых", "families")] == ["Семья Орловых"]


def test_finds_an_aid_request_by_number(forms, irkutsk, operator_irkutsk, municipal_barnaul):  # noqa: F811
    request = new_request(operator_irkutsk, irkutsk, make_family(centre("38")), forms)
    for q in (f"№ {request.pk}", str(request.pk), f"№{request.pk}"):
        assert [h.url for h in hits(operator_irkutsk, q, "aid_requests")] == [
            reverse("ngo_aid:request_detail", args=[request.pk])
        ]
    assert not hits(municipal_barnaul, str(request.pk), "aid_requests")


def test_finds_a_meeting_by_number(fed_admin, curator_altai, curator_perm):
    consilium = consilium_services.consilium_create(
        actor=fed_admin,
        data={"title": "Региональный консилиум", "level": Level.REGIONAL, "subject": subject("22")},
    )
    meeting = consilium_services.meeting_create(actor=fed_admin, consilium=consilium, date=TODAY)
    found = hits(curator_altai, f"№ {meeting.pk}", "meetings")
    assert [h.url for h in found] == [reverse("consilium:meeting_detail", args=[meeting.pk])]
    assert "Региональный консилиум" in found[0].detail
    assert not hits(curator_perm, f"№ {meeting.pk}", "meetings")


def test_finds_a_support_case_by_number_and_by_family_name(db):
    service = service_in(centre("22"), "Служба Барнаул")
    other = service_in(centre("59"), "Служба Пермь")
    specialist, user = specialist_of(service, "anna")
    _other_specialist, other_user = specialist_of(other, "boris")
    family = make_family(centre("22"), title="Семья Орловых")
    case = open_case(user, service, specialist, family=family)
    assert [h.url for h in hits(user, f"№ {case.pk}", "support_cases")] == [
        reverse("support:case_detail", args=[case.pk])
    ]
    assert hits(user, "Орловых", "support_cases")[0].detail.startswith("Семья Орловых")
    assert not hits(other_user, f"№ {case.pk}", "support_cases")
    assert not hits(other_user, "Орловых", "support_cases")


def test_finds_an_organisation_by_name_within_scope(municipal_barnaul, home_barnaul, home_perm):
    assert hits(municipal_barnaul, home_barnaul.name, "organizations")
    assert not hits(municipal_barnaul, home_perm.name, "organizations")


def test_users_are_found_only_by_who_manages_them(curator_altai, municipal_barnaul, fed_admin):
    assert [h.title for h in hits(fed_admin, "municipal_barnaul", "users")]
    assert hits(curator_altai, "municipal_barnaul", "users")  # a user of the curator's region
    assert not hits(municipal_barnaul, "curator_altai", "users")  # no right to manage users


# ---- audit ---------------------------------------------------------------------------------------------


def test_one_audit_row_per_search_with_personal_data_and_none_without(
    client, municipal_barnaul, analyst, ivanova, smirnov
):
    make_child(centre("22"), last_name="Иванов", first_name="Пётр")
    search(client, municipal_barnaul, "Иванов")
    rows = list(search_audit_rows(municipal_barnaul))
    assert len(rows) == 1
    assert rows[0].details["count"] == 2 and rows[0].details["filters"] == {"q": "Иванов"}
    assert rows[0].subject_id == subject("22").pk
    search(client, municipal_barnaul, "Центр")  # no child, no family
    search(client, municipal_barnaul, "Петросян")
    assert search_audit_rows(municipal_barnaul).count() == 1
    client.logout()
    search(client, analyst, "Иванова")
    assert not search_audit_rows(analyst).exists()


# ---- performance and hostile input -----------------------------------------------------------------------


def test_query_count_is_bounded_per_kind(client, curator_altai, ivanova, smirnov):
    for n in range(15):
        make_child(centre("22"), last_name="Иванова", first_name="Ольга", birth_date=dt.date(2012, 1, 1 + n))
    make_family(centre("22"), title="Семья Ивановых")
    login(client, curator_altai)
    counts = []
    for q in ("Иванво", "Иванова", ivanova.snils, str(ivanova.pk)):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"q": q}).status_code == 200
        counts.append(len(captured.captured_queries))
    # session + user + grants + audit ≈ 6; then one query per kind (and one for the typo step).
    assert max(counts) <= 16, counts


def test_queries_do_not_grow_with_the_results(curator_altai):
    """One query per kind of record (and one for the typo step), however many records are shown."""
    service = service_in(centre("22"), "Служба Барнаул")
    specialist, user = specialist_of(service, "anna")

    def records(n):
        for _ in range(n):
            family = make_family(centre("22"), title="Семья Ивановых")
            make_child(centre("22"), last_name="Иванова", first_name="Ольга", family=family)
            open_case(user, service, specialist, family=family)
        make_org("Центр «Иванушка»", municipality=centre("22"))

    def count(q):
        with CaptureQueriesContext(connection) as captured:
            result = global_search(actor=curator_altai, q=q)
        return len(captured.captured_queries), result

    records(1)
    global_search(actor=curator_altai, q="Иванова")  # the actor's grants are read once and kept
    few = {q: count(q)[0] for q in ("Иванова", "Иванво")}
    records(9)
    for q, queries in few.items():
        many, result = count(q)
        assert many == queries, q
        kinds = {group.kind for group in result.groups}
        assert kinds >= ({"children", "families", "support_cases"} if q == "Иванова" else {"children"})
        assert len(result.groups[0].hits) == 10
        # children (+ the typo step), families, support cases, organisations, users (+ their grants)
        assert many <= 7, (q, many)


@pytest.mark.parametrize(
    "q",
    [
        "я" * 10_000,
        "%",
        "_",
        "%%__",
        ".*",
        "(иван|петр)+[",
        "\\",
        "' OR 1=1 --",
        "№",
        "№ 99999999999999999999",
        "0",
        "ИВ",
        "\u200b\u202e",
        "<script>alert(1)</script>",
    ],
)
def test_hostile_queries_never_fail(client, curator_altai, ivanova, q):
    response = search(client, curator_altai, q)
    assert "<script>alert" not in response.content.decode()


def test_wildcards_match_literally(municipal_barnaul, ivanova):
    assert not hits(municipal_barnaul, "%", "children")
    assert not hits(municipal_barnaul, "и%а", "children") or all(
        "Иванова" in h.title for h in hits(municipal_barnaul, "и%а", "children")
    )


def test_search_needs_login(client):
    response = client.get(URL, {"q": "Иванова"})
    assert response.status_code == 302


def test_top_bar_has_the_search_box(client, municipal_barnaul):
    response = client.get(reverse("core:home")) if login(client, municipal_barnaul) else None
    assert 'action="/search/"' in response.content.decode()


# ---- PostgreSQL ------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_uses_russian_full_text_and_trigram_indexes(municipal_barnaul, ivanova, smirnov):
    if connection.vendor != "postgresql":
        pytest.skip("нужен PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%%' ORDER BY indexname")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"search_child_surname_trgm", "search_child_name_russian", "search_family_name_trgm"} <= indexes
    assert [h.title for h in hits(municipal_barnaul, "Иванво", "children")] == ["Иванова Мария Петровна"]
    assert [h.title for h in hits(municipal_barnaul, "Смирнова", "children")] == ["Смирнов Олег Петрович"]
    make_child(centre("22"), last_name="Абрамова", first_name="Ива")  # «ива» as a first name only
    make_child(centre("22"), last_name="Иванов", first_name="Пётр")
    # The closest surname first: «Иванова» (exact) before «Иванов»; a first name is not a surname typo.
    assert [h.title.split()[0] for h in hits(municipal_barnaul, "Иванова", "children")] == [
        "Иванова",
        "Иванов",
    ]
    family = make_family(centre("22"), title="Семья Ивановых")
    assert [h.url for h in hits(municipal_barnaul, "Иванов", "families")] == [
        reverse("cases:family_detail", args=[family.pk])
    ]
    # Families are ranked too, the closest name first (not the alphabetical order of the titles).
    make_family(centre("22"), title="Семья Яковлевых и Иванов")  # the exact word, last by title
    assert [h.title for h in hits(municipal_barnaul, "Иванов", "families")] == [
        "Семья Яковлевых и Иванов",
        "Семья Ивановых",
    ]


def test_a_nul_in_the_query_is_never_a_server_error(client, curator_altai, ivanova):
    login(client, curator_altai)
    response = client.get(URL, {"q": "Иван\x00ова"})
    assert response.status_code in (200, 400)
    assert global_search(actor=curator_altai, q="Иван\x00ова").groups == []  # not «Иванова»: two words
