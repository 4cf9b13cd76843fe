"""The audit log: append-only, scoped, filterable, exportable."""

import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from conftest import login, queries_for, subject
from vyzov.core.models import AuditAction, AuditEntry, ExportJob
from vyzov.core.services import audit_entry_create

pytestmark = pytest.mark.django_db


def entry(actor=None, *, subject_code="22", action=AuditAction.UPDATE, text="объект"):
    return audit_entry_create(
        actor=actor,
        action=action,
        subject_id=subject(subject_code).pk,
        object_repr=text,
        actor_username="robot",
    )


def test_application_refuses_to_update_or_delete_audit_rows(curator_altai):
    row = entry(curator_altai)
    row.object_repr = "подделка"
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=row.pk).update(object_repr="подделка")
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert row.object_repr == "объект"


@pytest.mark.postgres
def test_postgres_trigger_refuses_update_and_delete_of_audit_rows(curator_altai):
    if connection.vendor != "postgresql":
        pytest.skip("The append-only trigger exists on PostgreSQL only; SQLite relies on the model guard.")
    row = entry(curator_altai)
    for statement in (
        "UPDATE core_auditentry SET object_repr = 'подделка' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [row.pk])
    row.refresh_from_db()
    assert row.object_repr == "объект"


def test_unknown_action_is_refused():
    with pytest.raises(ValueError):
        audit_entry_create(actor=None, action="teleport")


def test_federal_admin_sees_all_rows_and_curator_only_own_subject(client, fed_admin, curator_altai):
    altai_row = entry(text="алтайская запись")
    perm_row = entry(subject_code="59", text="пермская запись")
    login(client, curator_altai)
    shown = list(client.get(reverse("audit:list")).context["page_obj"])
    assert altai_row in shown and perm_row not in shown
    login(client, fed_admin)
    shown = list(client.get(reverse("audit:list")).context["page_obj"])
    assert altai_row in shown and perm_row in shown


def test_curator_cannot_filter_their_way_into_another_region(client, curator_altai):
    perm_row = entry(subject_code="59", text="пермская запись")
    login(client, curator_altai)
    response = client.get(reverse("audit:list"), {"subject": "59"})
    assert perm_row not in list(response.context["page_obj"])
    assert "subject" in response.context["form"].errors


def test_roles_without_audit_permission_are_refused(client, municipal_barnaul, analyst, specialist_perm):
    for person in (municipal_barnaul, analyst, specialist_perm):
        login(client, person)
        assert client.get(reverse("audit:list")).status_code == 403
        assert client.post(reverse("audit:export")).status_code == 403


def test_filters_by_action_and_dates(client, fed_admin):
    entry(action=AuditAction.EXPORT, text="выгрузка")
    entry(action=AuditAction.UPDATE, text="правка")
    login(client, fed_admin)
    shown = client.get(reverse("audit:list"), {"action": "export"}).context["page_obj"]
    assert {row.object_repr for row in shown} == {"выгрузка"}
    response = client.get(reverse("audit:list"), {"date_from": "2026-12-31", "date_to": "2026-01-01"})
    assert "date_to" in response.context["form"].errors
    response = client.get(reverse("audit:list"), {"date_from": "не дата"})
    assert response.status_code == 200 and "date_from" in response.context["form"].errors


def test_audit_list_query_count_does_not_grow(client, fed_admin):
    login(client, fed_admin)
    entry()
    few = queries_for(client, reverse("audit:list"))
    for number in range(80):
        entry(text=f"запись {number}")
    assert few == queries_for(client, reverse("audit:list")) <= 10


def test_export_is_filtered_scoped_audited_and_neutralises_formulas(client, curator_altai):
    entry(text='=HYPERLINK("http://evil","click")')
    entry(subject_code="59", text="пермская запись")
    login(client, curator_altai)
    started = client.post(reverse("audit:export") + "?action=update")
    assert started.status_code == 302
    job = ExportJob.objects.get(created_by=curator_altai)
    response = client.get(reverse("core:export_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Когда"
    texts = [row[5] for row in rows[1:]]
    assert texts == ['\'=HYPERLINK("http://evil","click")']
    export_rows = AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=curator_altai)
    assert export_rows.count() == 1
    assert export_rows.get().details["filters"] == {"action": "update"}


def test_personal_data_read_can_be_recorded_with_the_reader_address(rf, curator_altai):
    from vyzov.core.middleware import RequestContextMiddleware

    def view(request):
        audit_entry_create(actor=curator_altai, action=AuditAction.VIEW_PERSONAL, target=curator_altai)
        from django.http import HttpResponse

        return HttpResponse()

    request = rf.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6")
    RequestContextMiddleware(view)(request)
    row = AuditEntry.objects.get(action=AuditAction.VIEW_PERSONAL)
    # Without configured proxies a forwarded header is not trusted: the real peer is recorded.
    assert row.ip == "10.1.2.3"
