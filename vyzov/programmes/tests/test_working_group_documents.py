"""The МРГ's register of documents: kind, number and date, how approved (002's list), state, the file
checked by its content; shown on the МРГ page and the regional passport; refused to readers and to
another region."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import login, subject
from vyzov.accounts.access import ActionNotAllowed, NotInScope
from vyzov.core.models import AuditAction, AuditEntry
from vyzov.programmes import services
from vyzov.programmes.models import WorkingGroup, WorkingGroupDocument, WorkingGroupMeeting

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def altai_group(db):
    return WorkingGroup.objects.create(subject=subject("22"), title="МРГ Алтайского края")


def pdf(name="положение.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def post_document(client, **overrides):
    data = {
        "kind": "regulation",
        "title": "Положение о межведомственной рабочей группе",
        "number": "15-р",
        "date": (TODAY - dt.timedelta(days=10)).isoformat(),
        "approval_way": "government_order",
        "approved_by": "Правительство Алтайского края",
        "status": "approved",
        "file": pdf(),
    }
    data.update(overrides)
    return client.post(reverse("programmes:working_group_document_add", args=["22"]), data)


def test_curator_registers_an_approved_document_with_its_file_and_the_passport_shows_it(
    altai_group, curator_altai, client
):
    login(client, curator_altai)
    response = post_document(client)
    assert response.status_code == 302
    document = WorkingGroupDocument.objects.get()
    assert document.group == altai_group and document.status == "approved" and document.file
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(document.pk)).exists()
    page = client.get(reverse("programmes:working_group", args=["22"])).content.decode()
    assert (
        "Положение о межведомственной рабочей группе" in page
        and "распоряжением регионального Правительства" in page
    )
    download = client.get(reverse("programmes:working_group_document_download", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    passport = client.get(reverse("programmes:passport", args=["22"])).content.decode()
    assert "Документы МРГ, действующие" in passport and "№ 15-р" in passport


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"file": SimpleUploadedFile("вирус.pdf", b"MZ\x90\x00", content_type="application/pdf")},
            "не соответствует",
        ),
        (
            {"file": SimpleUploadedFile("a.exe", b"MZ", content_type="application/octet-stream")},
            "Допустимые форматы",
        ),
        ({"date": "2099-01-01"}, "будущем"),
        ({"approval_way": ""}, "Укажите способ утверждения"),
        ({"date": ""}, "Укажите дату утверждения"),
    ],
)
def test_bad_input_gets_a_russian_message_and_writes_nothing(
    altai_group, curator_altai, client, changes, message
):
    login(client, curator_altai)
    response = post_document(client, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WorkingGroupDocument.objects.exists()


def test_a_draft_is_approved_then_revised_then_lapses(altai_group, curator_altai, client):
    meeting = WorkingGroupMeeting.objects.create(group=altai_group, date=TODAY, agenda="Алгоритм")
    draft = services.document_add(
        actor=curator_altai,
        group=altai_group,
        data={"kind": "algorithm", "title": "Алгоритм взаимодействия при выявлении", "status": "draft"},
    )
    login(client, curator_altai)
    url = reverse("programmes:working_group_document_status", args=[draft.pk])
    client.post(url, {"status": "approved"})  # without a date and a way: refused
    draft.refresh_from_db()
    assert draft.status == "draft"
    client.post(url, {"status": "approved", "date": TODAY.isoformat(), "approval_way": "mrg_protocol"})
    draft.refresh_from_db()
    assert draft.status == "approved" and draft.approval_way == "mrg_protocol"
    services.document_status_set(actor=curator_altai, document=draft, status="revised", date=TODAY)
    services.document_status_set(actor=curator_altai, document=draft, status="lapsed")
    with pytest.raises(ValidationError, match="утратил силу"):
        services.document_status_set(actor=curator_altai, document=draft, status="approved")
    other = WorkingGroup.objects.create(subject=subject("59"), title="МРГ Пермского края")
    foreign_meeting = WorkingGroupMeeting.objects.create(group=other, date=TODAY, agenda="x")
    with pytest.raises(ValidationError, match="другой рабочей группы"):
        services.document_add(
            actor=curator_altai,
            group=altai_group,
            data={"kind": "other", "title": "Док", "status": "draft", "meeting": foreign_meeting},
        )
    assert meeting.documents.count() == 0


def test_readers_and_another_region_are_refused(
    altai_group, curator_altai, curator_perm, fed_analyst, client
):
    document = services.document_add(
        actor=curator_altai,
        group=altai_group,
        data={"kind": "composition", "title": "Состав МРГ", "status": "draft"},
    )
    with pytest.raises(NotInScope):
        services.document_add(
            actor=curator_perm, group=altai_group, data={"kind": "other", "title": "x", "status": "draft"}
        )
    with pytest.raises(ActionNotAllowed):
        services.document_status_set(actor=fed_analyst, document=document, status="lapsed")
    login(client, curator_perm)
    assert post_document(client).status_code == 404
    assert (
        client.post(
            reverse("programmes:working_group_document_status", args=[document.pk]), {"status": "lapsed"}
        ).status_code
        == 404
    )
    login(client, fed_analyst)  # reads the register, may not add to it
    assert client.get(reverse("programmes:working_group", args=["22"])).status_code == 200
    assert post_document(client).status_code == 403
    document.refresh_from_db()
    assert document.status == "draft" and WorkingGroupDocument.objects.count() == 1
