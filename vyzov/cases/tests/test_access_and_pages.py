"""Who sees which child, by page, API and export; personal data only with permission, and audited."""

import datetime as dt
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from conftest import centre, login, make_org, queries_for, town
from vyzov.cases.models import Child, EventKind
from vyzov.core.models import AuditAction, AuditEntry, ExportJob, ExportStatus

from .factories import make_child, make_family, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_barnaul, home_biysk, home_perm):
    """Three children: one in Барнаул's home, one from Бийск in Бийск's home, one in Пермь."""
    barnaul = make_child(centre("22"), last_name="Барнаулов")
    biysk = make_child(town("22", "Бийск"), last_name="Бийсков")
    perm = make_child(centre("59"), last_name="Пермяков")
    place(barnaul, home_barnaul)
    place(biysk, home_biysk)
    place(perm, home_perm)
    return {"barnaul": barnaul, "biysk": biysk, "perm": perm}


def listed(client, **params):
    response = client.get(reverse("cases:child_list"), params)
    assert response.status_code == 200
    return {child.pk for child in response.context["page_obj"]}


def card(client, child):
    return client.get(reverse("cases:child_detail", args=[child.pk]))


def test_municipal_specialist_sees_only_children_of_their_municipality(client, municipal_barnaul, world):
    login(client, municipal_barnaul)
    assert listed(client) == {world["barnaul"].pk}
    assert card(client, world["barnaul"]).status_code == 200
    assert card(client, world["biysk"]).status_code == 404
    assert card(client, world["perm"]).status_code == 404


def test_institution_staff_see_only_their_organizations_children(client, staff_barnaul_home, world):
    login(client, staff_barnaul_home)
    assert listed(client) == {world["barnaul"].pk}
    assert card(client, world["biysk"]).status_code == 404


def test_staff_lose_the_child_when_the_child_leaves(client, staff_barnaul_home, curator_altai, world):
    from vyzov.cases import services

    placement = world["barnaul"].placements.get()
    services.placement_close(
        actor=curator_altai, placement=placement, end_date=dt.date(2025, 6, 1), outcome="returned_home"
    )
    login(client, staff_barnaul_home)
    assert card(client, world["barnaul"]).status_code == 404


def test_curator_sees_region_and_404_for_another_regions_child(client, curator_altai, world):
    login(client, curator_altai)
    assert listed(client) == {world["barnaul"].pk, world["biysk"].pk}
    assert card(client, world["perm"]).status_code == 404
    assert client.get(reverse("cases:child_update", args=[world["perm"].pk])).status_code == 404


def test_analyst_has_no_register_at_all(client, analyst, world):
    login(client, analyst)
    assert client.get(reverse("cases:child_list")).status_code == 403
    assert card(client, world["barnaul"]).status_code == 404
    assert client.post(reverse("cases:child_export")).status_code == 403
    api = APIClient()
    api.force_authenticate(analyst)
    assert api.get("/api/v1/children/").json()["results"] == []
    assert api.get(f"/api/v1/children/{world['barnaul'].pk}/").status_code == 404


def test_federal_analyst_sees_children_without_personal_data(client, fed_analyst, world):
    login(client, fed_analyst)
    assert listed(client) == {world["barnaul"].pk, world["biysk"].pk, world["perm"].pk}
    response = card(client, world["barnaul"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Барнаулов" not in html and world["barnaul"].snils not in html
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL).exists()
    list_html = client.get(reverse("cases:child_list")).content.decode()
    assert "Барнаулов" not in list_html
    # A name search would reveal who is in the register: it is ignored without personal permission.
    assert listed(client, q="Барнаулов") == {world["barnaul"].pk, world["biysk"].pk, world["perm"].pk}


def test_reading_a_card_with_personal_data_is_audited_each_time(client, curator_altai, world):
    login(client, curator_altai)
    for _ in range(2):
        html = card(client, world["barnaul"]).content.decode()
    assert "Барнаулов" in html and world["barnaul"].snils in html
    rows = AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL, object_id=str(world["barnaul"].pk))
    assert rows.count() == 2 and rows.first().subject.code == "22"


def test_family_card_personal_data_and_scope(client, curator_altai, curator_perm, fed_analyst):
    family = make_family(centre("22"), title="Семья Секретовых")
    login(client, curator_altai)
    assert "Семья Секретовых" in client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()
    assert (
        AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL, object_type="cases.family").count() == 1
    )
    login(client, curator_perm)
    assert client.get(reverse("cases:family_detail", args=[family.pk])).status_code == 404
    login(client, fed_analyst)
    html = client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()
    assert "Секретовых" not in html


def test_list_filters(client, curator_altai, world, home_barnaul):
    from vyzov.cases import services

    login(client, curator_altai)
    assert listed(client, organization=home_barnaul.pk) == {world["barnaul"].pk}
    assert listed(client, municipality=town("22", "Бийск").pk) == {world["biysk"].pk}
    assert listed(client, q="бийск") == {world["biysk"].pk}
    assert listed(client, age_min=20) == set()
    assert listed(client, months_in_institution=1) == {world["barnaul"].pk, world["biysk"].pk}
    child = world["biysk"]
    services.route_change(
        actor=curator_altai,
        child=child,
        goal="return_home",
        reason="план",
        expected_version=child.case.version,
    )
    assert listed(client, goal="return_home") == {child.pk}
    child.case.refresh_from_db()
    type(child.case).objects.filter(pk=child.case.pk).update(next_review_date=dt.date(2024, 1, 1))
    assert listed(client, overdue_review="on") == {child.pk}


def test_bad_filters_are_reported_not_crashing(client, curator_altai, world):
    login(client, curator_altai)
    response = client.get(reverse("cases:child_list"), {"age_min": "много", "age_max": "-3", "subject": "59"})
    assert response.status_code == 200
    assert {"age_min", "age_max", "subject"} <= set(response.context["form"].errors)


def test_child_list_query_count_is_constant(client, curator_altai, home_barnaul):
    login(client, curator_altai)
    make_child(centre("22"))
    few = queries_for(client, reverse("cases:child_list"))
    for _ in range(30):
        place(make_child(centre("22")), make_org(f"Дом {_}", municipality=centre("22")))
    assert few == queries_for(client, reverse("cases:child_list")) <= 14


def test_child_card_query_count_is_constant(client, curator_altai, home_barnaul, home_biysk):
    from vyzov.cases import services

    child = make_child(centre("22"))
    login(client, curator_altai)
    few = queries_for(client, reverse("cases:child_detail", args=[child.pk]))
    first = place(child, home_barnaul, start=dt.date(2023, 1, 1))
    services.placement_close(
        actor=curator_altai, placement=first, end_date=dt.date(2023, 2, 1), outcome="another_org"
    )
    place(child, home_biysk, start=dt.date(2023, 2, 1))
    assert few == queries_for(client, reverse("cases:child_detail", args=[child.pk])) <= 16


def test_family_card_query_count_is_constant(client, curator_altai):
    family = make_family(centre("22"))
    login(client, curator_altai)
    make_child(centre("22"), family=family)
    few = queries_for(client, reverse("cases:family_detail", args=[family.pk]))
    for _ in range(5):
        make_child(centre("22"), family=family)
    assert few == queries_for(client, reverse("cases:family_detail", args=[family.pk])) <= 16


# ---- pages that write -------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "last_name": "Новикова",
        "first_name": "Мария",
        "middle_name": "",
        "birth_date": "2016-04-04",
        "sex": "f",
        "snils": "",
        "birth_certificate": "",
        "legal_status": "has_parents",
        "has_living_parents": "on",
        "health_group": "",
        "subject": str(centre("22").subject_id),
        "municipality": str(centre("22").pk),
        "family": "",
    }
    data.update(overrides)
    return data


def test_create_page_shows_duplicates_then_saves_on_confirmation(client, curator_altai):
    make_child(
        centre("22"), last_name="Новикова", first_name="Мария", middle_name="", birth_date=dt.date(2016, 4, 4)
    )
    login(client, curator_altai)
    before = Child.objects.count()
    response = client.post(reverse("cases:child_create"), form_data())
    assert response.status_code == 200
    assert "Возможные дубли" in response.content.decode()
    assert Child.objects.count() == before
    response = client.post(reverse("cases:child_create"), form_data(confirm_not_duplicate="on"))
    assert response.status_code == 302
    assert Child.objects.count() == before + 1


def test_create_page_refuses_bad_snils_and_future_birth(client, curator_altai):
    login(client, curator_altai)
    before = Child.objects.count()
    response = client.post(
        reverse("cases:child_create"), form_data(snils="112-233-445 96", birth_date="2099-01-01")
    )
    errors = response.context["form"].errors
    assert "контрольная сумма" in str(errors["snils"]) and "в будущем" in str(errors["birth_date"])
    assert Child.objects.count() == before


def test_create_page_refuses_another_regions_municipality_and_family(client, curator_altai):
    foreign_family = make_family(centre("59"))
    login(client, curator_altai)
    response = client.post(
        reverse("cases:child_create"),
        form_data(municipality=str(centre("59").pk), family=str(foreign_family.pk)),
    )
    assert {"municipality", "family"} <= set(response.context["form"].errors)


def test_route_change_page_and_placement_pages(client, curator_altai, home_barnaul):
    child = make_child(centre("22"))
    login(client, curator_altai)
    response = client.post(
        reverse("cases:route_change", args=[child.pk]),
        {"goal": "substitute_family", "reason": "", "version": "1"},
    )
    assert "reason" in response.context["form"].errors
    response = client.post(
        reverse("cases:route_change", args=[child.pk]),
        {"goal": "substitute_family", "reason": "Родители лишены прав", "version": "1"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("cases:placement_create", args=[child.pk]),
        {"organization": home_barnaul.pk, "kind": "removal", "start_date": "2025-02-02", "basis": "Акт № 5"},
    )
    assert response.status_code == 302
    placement = child.placements.get()
    response = client.post(
        reverse("cases:placement_close", args=[placement.pk]),
        {"end_date": "2025-01-01", "outcome": "foster_family"},
    )
    assert "раньше даты помещения" in str(response.context["form"].errors)
    response = client.post(
        reverse("cases:placement_close", args=[placement.pk]),
        {"end_date": "2025-03-01", "outcome": "foster_family"},
    )
    assert response.status_code == 302
    assert child.events.filter(kind=EventKind.FAMILY_PLACEMENT).count() == 1


def test_staff_cannot_change_a_route_in_another_organization(client, staff_barnaul_home, world):
    login(client, staff_barnaul_home)
    assert (
        client.post(
            reverse("cases:route_change", args=[world["biysk"].pk]),
            {"goal": "return_home", "reason": "x", "version": "1"},
        ).status_code
        == 404
    )


def test_merge_page_for_curator_only(client, curator_altai, municipal_barnaul):
    keep = make_child(
        centre("22"), snils="", last_name="Двойной", first_name="Олег", birth_date=dt.date(2010, 1, 1)
    )
    duplicate = make_child(
        centre("22"), snils="", last_name="Двойной", first_name="Олег", birth_date=dt.date(2010, 1, 1)
    )
    login(client, municipal_barnaul)
    assert (
        client.post(reverse("cases:child_merge"), {"keep": keep.pk, "duplicate": duplicate.pk}).status_code
        == 403
    )
    login(client, curator_altai)
    groups = client.get(reverse("cases:duplicate_list")).context["groups"]
    assert len(groups) == 1
    response = client.post(reverse("cases:child_merge"), {"keep": keep.pk, "duplicate": duplicate.pk})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep


# ---- export -------------------------------------------------------------------------------------


def exported_rows(client, params=None):
    """The register export: a POST queues the job (run at once by the test task backend), then the
    requester downloads the file from the job's page."""
    query = f"?{urlencode(params)}" if params else ""
    response = client.post(reverse("cases:child_export") + query)
    assert response.status_code == 302
    job = ExportJob.objects.latest("pk")
    assert response["Location"] == reverse("core:export_detail", args=[job.pk])
    assert job.status == ExportStatus.DONE, job.failure
    download = client.get(reverse("core:export_download", args=[job.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def test_export_is_scoped_filtered_audited_and_neutralises_formulas(client, curator_altai, world):
    # Such names are refused on entry now; rows written before that must still be neutralised.
    malicious = make_child(centre("22"))
    Child.objects.filter(pk=malicious.pk).update(last_name='=HYPERLINK("http://x")', first_name="@SUM")
    login(client, curator_altai)
    rows = exported_rows(client)
    header, body = rows[0], rows[1:]
    assert header[0] == "Фамилия"
    surnames = {row[0] for row in body}
    assert "Пермяков" not in surnames and "Барнаулов" in surnames
    assert '\'=HYPERLINK("http://x")' in surnames
    assert "'@SUM" in {row[1] for row in body}
    row = AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=curator_altai).get()
    assert row.details["kind"] == "children_export" and row.details["count"] == len(body) == 3
    assert row.subject_id == centre("22").subject_id
    rows = exported_rows(client, {"municipality": town("22", "Бийск").pk})
    assert [row[0] for row in rows[1:]] == ["Бийсков"]
    assert malicious.pk


def test_federal_analyst_may_not_export_the_register(client, fed_analyst, world):
    login(client, fed_analyst)
    assert client.post(reverse("cases:child_export")).status_code == 403


def test_export_rows_without_personal_permission_carry_no_personal_columns(fed_analyst, world):
    from vyzov.cases import exports, selectors

    rows = list(exports.rows(selectors.child_list(actor=fed_analyst), personal=False))
    assert exports.header(personal=False)[0] == "Номер в реестре"
    assert len(rows) == 3 and all(len(row) == len(exports.HEADER_COMMON) for row in rows)
    assert not any("Барнаулов" in str(value) for row in rows for value in row)


def test_staff_cannot_export(client, staff_barnaul_home, world):
    login(client, staff_barnaul_home)
    assert client.post(reverse("cases:child_export")).status_code == 403


def test_municipal_export_contains_only_their_children(client, municipal_barnaul, world):
    login(client, municipal_barnaul)
    rows = exported_rows(client)
    assert [row[0] for row in rows[1:]] == ["Барнаулов"]
