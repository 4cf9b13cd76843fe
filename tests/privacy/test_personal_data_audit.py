"""Every response that carries personal data writes exactly one audit row (what, how many, which region)
and is never cached; roles without personal-data rights get no personal data and no row.
Every response carries a Permissions-Policy header."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from rest_framework.test import APIClient

from conftest import centre, login, make_org, make_user, queries_for, subject, town
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.cases.tests.factories import letters, make_child, make_family, place
from vyzov.consilium import services as consilium_services
from vyzov.consilium.models import ActionItem, Level
from vyzov.core.models import AuditAction, AuditEntry, ExportJob
from vyzov.support import services as support_services
from vyzov.support.models import Service, Specialist

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SURNAMES = ("Аудитов", "Бийсков", "Дублев", "Пермяков")


@pytest.fixture
def world(fed_admin, home_barnaul, home_perm, municipal_barnaul):
    """Altai: a family with a child placed ten months ago (on the consilium agenda, reviewed, with an
    action item for the Barnaul specialist), a child in Бийск, two likely duplicates; Perm: one child."""
    family = make_family(centre("22"), title="Семья Аудитовых")
    child = make_child(centre("22"), last_name="Аудитов", family=family)
    place(child, home_barnaul, start=TODAY - dt.timedelta(days=300))
    make_child(town("22", "Бийск"), last_name="Бийсков")
    twins = [
        make_child(centre("22"), last_name="Дублев", first_name="Пётр", birth_date=dt.date(2016, 5, 5))
        for _ in range(2)
    ]
    make_child(centre("59"), last_name="Пермяков")
    make_family(centre("59"), title="Семья Пермяковых")
    consilium = consilium_services.consilium_create(
        actor=fed_admin,
        data={"title": "Региональный консилиум", "level": Level.REGIONAL, "subject": subject("22")},
    )
    meeting = consilium_services.meeting_create(actor=fed_admin, consilium=consilium, date=TODAY)
    review = consilium_services.review_save(
        actor=fed_admin, meeting=meeting, child=child, data={}, expected_version=None
    )
    ActionItem.objects.create(
        origin=consilium,
        subject=subject("22"),
        child=child,
        what="Обследовать условия",
        organization=home_barnaul,
        executor=municipal_barnaul,
        deadline=TODAY + dt.timedelta(days=5),
    )
    service = Service.objects.create(
        organization=make_org("Служба Барнаул", kind="family_service", municipality=centre("22"))
    )
    user = make_user(
        "anna", Role.SERVICE_SPECIALIST, level=ScopeLevel.ORGANIZATION, organization=service.organization
    )
    specialist = Specialist.objects.create(service=service, user=user, full_name="Анна")
    case = support_services.case_open(
        actor=user,
        service=service,
        family=family,
        specialist=specialist,
        data={
            "referral": "guardianship",
            "reason": "Угроза изъятия",
            "intake_date": TODAY - dt.timedelta(days=30),
            "children_count": 1,
        },
    )
    return {
        "family": family,
        "child": child,
        "twins": twins,
        "meeting": meeting,
        "review": review,
        "case": case,
        "specialist": user,
    }


# (name, url, API?, expected kind, expected count of records, action) for the curator of Altai.
def endpoints(world):
    child, family, meeting = world["child"], world["family"], world["meeting"]
    return [
        ("children list", reverse("cases:child_list"), False, "children_list", 4, "view_personal"),
        (
            "child card",
            reverse("cases:child_detail", args=[child.pk]),
            False,
            "child_card",
            1,
            "view_personal",
        ),
        (
            "child form",
            reverse("cases:child_update", args=[child.pk]),
            False,
            "child_form",
            1,
            "view_personal",
        ),
        ("duplicates", reverse("cases:duplicate_list"), False, "children_duplicates", 2, "view_personal"),
        ("family list", reverse("cases:family_list"), False, "families_list", 1, "view_personal"),
        (
            "family card",
            reverse("cases:family_detail", args=[family.pk]),
            False,
            "family_card",
            1,
            "view_personal",
        ),
        (
            "family form",
            reverse("cases:family_update", args=[family.pk]),
            False,
            "family_form",
            1,
            "view_personal",
        ),
        ("API children", "/api/v1/children/?page_size=500", True, "api_children_list", 4, "view_personal"),
        ("API child", f"/api/v1/children/{child.pk}/", True, "api_child", 1, "view_personal"),
        ("API families", "/api/v1/families/", True, "api_families_list", 1, "view_personal"),
        ("API family", f"/api/v1/families/{family.pk}/", True, "api_family", 1, "view_personal"),
        (
            "consilium meeting",
            reverse("consilium:meeting_detail", args=[meeting.pk]),
            False,
            "consilium_meeting",
            1,
            "view_personal",
        ),
        (
            "consilium review",
            reverse("consilium:review", args=[meeting.pk, child.pk]),
            False,
            "consilium_review",
            1,
            "view_personal",
        ),
        (
            "consilium protocol DOCX",
            reverse("consilium:meeting_protocol", args=[meeting.pk]),
            False,
            "consilium_protocol",
            1,
            "export",
        ),
        (
            "support case",
            reverse("support:case_detail", args=[world["case"].pk]),
            False,
            "support_case",
            1,
            "view_personal",
        ),
    ]


def fetch(client, api, url, user):
    if api:
        api_client = APIClient()
        api_client.force_authenticate(user)
        return api_client.get(url)
    return client.get(url)


def response_text(response) -> str:
    content_type = response.headers.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        return "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
    if "wordprocessingml" in content_type:
        return "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    return body.decode()


def assert_private(response):
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_every_personal_data_response_writes_exactly_one_row(client, curator_altai, world):
    login(client, curator_altai)
    for name, url, api, kind, count, action in endpoints(world):
        before = AuditEntry.objects.count()
        response = fetch(client, api, url, curator_altai)
        assert response.status_code == 200, name
        text = response_text(response)
        assert "Аудитов" in text or "Дублев" in text or "Аудитовых" in text, name
        rows = list(AuditEntry.objects.order_by("id")[before:])
        assert len(rows) == 1, (name, [(r.action, r.details) for r in rows])
        row = rows[0]
        assert (row.action, row.details["kind"], row.details["count"]) == (action, kind, count), name
        assert row.actor == curator_altai and row.subject_id == subject("22").pk, name
        assert row.ip == "127.0.0.1", name
        assert_private(response)


def download_export(client, params: str = ""):
    """The register export: queued by a POST (run at once by the test task backend), then downloaded."""
    response = client.post(reverse("cases:child_export") + params)
    assert response.status_code == 302
    job = ExportJob.objects.latest("pk")
    return client.get(reverse("core:export_download", args=[job.pk]))


def test_the_register_export_writes_one_row_per_download_not_when_it_is_made(client, curator_altai, world):
    login(client, curator_altai)
    before = AuditEntry.objects.count()
    assert client.post(reverse("cases:child_export")).status_code == 302
    assert AuditEntry.objects.count() == before  # the file is made, nobody has read it yet
    job = ExportJob.objects.latest("pk")
    for _ in range(2):
        response = client.get(reverse("core:export_download", args=[job.pk]))
        assert response.status_code == 200
        assert "Аудитов" in response_text(response)
        assert_private(response)
    rows = list(AuditEntry.objects.order_by("id")[before:])
    assert len(rows) == 2
    for row in rows:
        assert (row.action, row.details["kind"], row.details["count"]) == ("export", "children_export", 4)
        assert row.actor == curator_altai and row.subject_id == subject("22").pk
        assert row.ip == "127.0.0.1"


def test_list_rows_name_the_records_and_the_filters(client, curator_altai, fed_admin, world):
    login(client, curator_altai)
    client.get(reverse("cases:child_list"), {"q": "Дублев"})
    row = AuditEntry.objects.get(details__kind="children_list")
    assert row.details["count"] == 2 and row.details["filters"] == {"q": "Дублев"}
    assert sorted(row.details["ids"]) == sorted(twin.pk for twin in world["twins"])
    assert row.object_repr == "Список детей реестра: 2 записи"


def test_national_lists_have_no_subject_unless_filtered_to_one(client, fed_admin, world):
    login(client, fed_admin)
    client.get(reverse("cases:child_list"))
    national = AuditEntry.objects.get(details__kind="children_list")
    assert national.details["count"] == 5 and national.subject_id is None
    api = APIClient()
    api.force_authenticate(fed_admin)
    assert api.get("/api/v1/children/", {"subject": "22"}).status_code == 200
    filtered = AuditEntry.objects.get(details__kind="api_children_list")
    assert filtered.details["count"] == 4 and filtered.subject_id == subject("22").pk
    assert filtered.details["filters"] == {"subject": "22"}
    download_export(client)
    export = AuditEntry.objects.get(details__kind="children_export")
    assert export.details["count"] == 5 and export.subject_id is None


def test_executor_sees_their_items_with_one_row(client, municipal_barnaul, world):
    login(client, municipal_barnaul)
    response = client.get(reverse("consilium:my_items"))
    assert "Аудитов" in response.content.decode()
    row = AuditEntry.objects.get(actor=municipal_barnaul, action=AuditAction.VIEW_PERSONAL)
    assert row.details == {"kind": "consilium_my_items", "count": 1, "ids": [world["child"].pk]}
    assert row.subject_id == subject("22").pk
    assert_private(response)


def test_regional_curator_sees_these_rows_on_the_audit_page(
    client, curator_altai, curator_perm, fed_admin, world
):
    login(client, fed_admin)
    client.get(reverse("cases:child_list"), {"subject": subject("22").pk})
    client.get(f"/api/v1/children/{world['child'].pk}/")
    login(client, curator_altai)
    page = client.get(reverse("audit:list")).content.decode()
    assert "Список детей реестра: 4 записи" in page and "Фильтры: субъект РФ: 22" in page
    assert "API: ребёнок: Ребёнок №" in page
    login(client, curator_perm)
    page = client.get(reverse("audit:list")).content.decode()
    assert "Список детей реестра" not in page


def test_roles_without_personal_data_rights_get_none_and_leave_no_row(client, fed_analyst, analyst, world):
    for user in (fed_analyst, analyst):
        login(client, user)
        for name, url, api, _kind, _count, _action in endpoints(world):
            before = AuditEntry.objects.count()
            response = fetch(client, api, url, user)
            assert response.status_code in (200, 403, 404), (user, name)
            if response.status_code == 200:
                text = response_text(response)
                for surname in SURNAMES:
                    assert surname not in text, (user, name, surname)
                assert response.headers.get("Cache-Control") != "no-store", (user, name)
            rows = AuditEntry.objects.order_by("id")[before:]
            assert not [r for r in rows if r.action == AuditAction.VIEW_PERSONAL or "kind" in r.details], (
                user,
                name,
            )
            assert "camera=()" in response.headers["Permissions-Policy"]


def test_permissions_policy_on_every_response(client, curator_altai):
    for response in (client.get(reverse("accounts:login")), client.get("/api/v1/children/")):
        assert response.headers["Permissions-Policy"].startswith("accelerometer=()")
        assert response.headers.get("Cache-Control") != "no-store"
    login(client, curator_altai)
    response = client.get(reverse("core:home"))
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert response.headers.get("Cache-Control") != "no-store"
    assert client.get("/static/does-not-exist.css").headers["Permissions-Policy"]


def test_api_answers_that_repeat_written_personal_data_are_not_cached(curator_altai, world):
    api = APIClient()
    api.force_authenticate(curator_altai)
    child = world["child"]
    response = api.patch(
        f"/api/v1/children/{child.pk}/", {"first_name": "Иван", "version": child.version}, format="json"
    )
    assert response.status_code == 200 and response.json()["last_name"] == "Аудитов"
    assert_private(response)


def test_one_insert_per_response_whatever_the_number_of_records(client, curator_altai, world):
    login(client, curator_altai)
    urls = [reverse("cases:child_list"), reverse("cases:family_list"), "/api/v1/children/"]
    few = [queries_for(client, url) for url in urls]
    for n in range(6):
        make_child(centre("22"), last_name=f"Многов{letters(n)}")
        make_family(centre("22"), title=f"Семья Многовых {letters(n)}")
    assert [queries_for(client, url) for url in urls] == few
    rows = AuditEntry.objects.filter(
        details__kind__in=["children_list", "families_list", "api_children_list"]
    )
    # queries_for sends each page twice (a warm-up, then the counted request): one row per response.
    assert sorted(row.details["count"] for row in rows) == [1, 1, 4, 4, 4, 4, 7, 7, 10, 10, 10, 10]


def test_support_lists_name_families_for_caseworkers_with_one_row(client, curator_altai, fed_analyst, world):
    """Case lists name the family for those who may see it (one audit row per page, never cached);
    a role without personal data sees «Семья № N» and leaves no row."""
    pages = [
        (curator_altai, reverse("support:case_list")),
        (world["specialist"], reverse("support:case_list")),
        (world["specialist"], reverse("support:home")),  # the specialist's own case-load
    ]
    for user, url in pages:
        login(client, user)
        before = AuditEntry.objects.count()
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert "Семья Аудитовых" in text
        assert AuditEntry.objects.count() == before + 1
        assert AuditEntry.objects.latest("pk").details["kind"] == "support_cases_list"
        assert response.headers.get("Cache-Control") == "no-store"
    login(client, fed_analyst)
    before = AuditEntry.objects.count()
    text = client.get(reverse("support:case_list")).content.decode()
    assert f"Семья № {world['family'].pk}" in text and "Аудитовых" not in text
    assert AuditEntry.objects.count() == before


def test_audit_page_showing_typed_searches_is_itself_a_personal_read(client, curator_altai, fed_admin, world):
    """A search typed as «Дублев» is a name: the audit page that shows it writes one row; a page of
    rows without typed text writes none."""
    login(client, fed_admin)
    client.get(reverse("core:home"))
    before = AuditEntry.objects.count()
    response = client.get(reverse("audit:list"))
    assert "Дублев" not in response.content.decode()
    assert AuditEntry.objects.count() == before
    assert response.headers.get("Cache-Control") != "no-store"
    login(client, curator_altai)
    client.get(reverse("cases:child_list"), {"q": "Дублев"})
    search = AuditEntry.objects.get(details__kind="children_list")
    before = AuditEntry.objects.count()
    response = client.get(reverse("audit:list"))
    assert "поиск: Дублев" in response.content.decode()
    rows = list(AuditEntry.objects.order_by("id")[before:])
    assert [(r.action, r.details["kind"], r.details["ids"]) for r in rows] == [
        ("view_personal", "audit_log_searches", [search.pk])
    ]
    assert rows[0].subject_id == subject("22").pk
    assert_private(response)
