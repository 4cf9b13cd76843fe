"""Drafts and requests returned for rework are editable and withdrawable — page and API through the same
services, with optimistic locking, an audit row and a family timeline event; access from both sides."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import login, make_user, subject
from vyzov.accounts.access import ActionNotAllowed, NotInScope
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.cases.models import FamilyEvent
from vyzov.core.models import AuditAction, AuditEntry
from vyzov.core.services import ConcurrentEditError
from vyzov.ngo_aid import services
from vyzov.ngo_aid.models import AidRequest, RequestStatus

from .test_ngo_aid import funded, new_request, sop_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(operator_irkutsk, irkutsk, forms):
    funded(irkutsk, operator_irkutsk)
    aid = new_request(operator_irkutsk, irkutsk, sop_family(), forms)
    services.aid_request_submit(
        actor=operator_irkutsk, request=aid, crisis_confirmed=True, result_confirmed=True
    )
    return services.aid_request_decline(
        actor=operator_irkutsk, request=aid, reason="Приложите квитанцию", give_back=True
    )


def edit_data(forms, version, **extra):
    data = {
        "version": version,
        "children_count": "3",
        "channel": "curator",
        "justification": "Долг за коммунальные услуги, квитанция приложена",
        "line0-form": forms["utilities"].pk,
        "line0-amount": "12000.50",
    }
    data.update(extra)
    return data


def test_service_edits_a_returned_request_with_audit_and_timeline(operator_irkutsk, returned, forms):
    assert returned.status == RequestStatus.RETURNED
    events = FamilyEvent.objects.filter(family=returned.family).count()
    aid = services.aid_request_update(
        actor=operator_irkutsk,
        request=returned,
        expected_version=returned.version,
        data={"children_count": 3, "channel": "curator", "justification": "Квитанция приложена"},
        lines=[{"form": forms["utilities"], "amount": "12000.50"}],
    )
    aid.refresh_from_db()
    assert (aid.children_count, aid.justification, aid.version) == (3, "Квитанция приложена", 2)
    assert [line.amount for line in aid.lines.all()] == [Decimal("12000.50")]
    assert aid.eligibility == {}  # checked again on the next submission
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="ngo_aid.aidrequest").get()
    assert set(entry.details["fields"]) >= {"children_count", "justification", "lines"}
    assert FamilyEvent.objects.filter(family=aid.family).count() == events + 1
    # It can be submitted again after the edit.
    services.aid_request_submit(
        actor=operator_irkutsk, request=aid, crisis_confirmed=True, result_confirmed=True
    )
    assert AidRequest.objects.get(pk=aid.pk).status == RequestStatus.SUBMITTED


def test_stale_version_and_submitted_requests_are_refused(operator_irkutsk, irkutsk, forms, returned):
    arguments = {
        "data": {"justification": "x"},
        "lines": [{"form": forms["utilities"], "amount": "1.00"}],
    }
    with pytest.raises(ConcurrentEditError):
        services.aid_request_update(
            actor=operator_irkutsk, request=returned, expected_version=returned.version + 5, **arguments
        )
    assert AidRequest.objects.get(pk=returned.pk).justification != "x"
    services.aid_request_submit(
        actor=operator_irkutsk, request=returned, crisis_confirmed=True, result_confirmed=True
    )
    with pytest.raises(ValidationError, match="изменить её нельзя"):
        services.aid_request_update(
            actor=operator_irkutsk, request=returned, expected_version=returned.version, **arguments
        )
    with pytest.raises(ValidationError, match="отозвать её нельзя"):
        services.aid_request_withdraw(actor=operator_irkutsk, request=returned)


def test_withdraw_a_draft_with_audit_and_timeline(operator_irkutsk, irkutsk, forms):
    aid = new_request(operator_irkutsk, irkutsk, sop_family(), forms)
    services.aid_request_withdraw(actor=operator_irkutsk, request=aid, reason="Семья справилась сама")
    aid.refresh_from_db()
    assert aid.status == RequestStatus.WITHDRAWN and not aid.is_editable
    entry = AuditEntry.objects.get(action=AuditAction.STATUS_CHANGE, object_id=str(aid.pk))
    assert entry.details["status"] == "withdrawn"
    assert FamilyEvent.objects.filter(family=aid.family, title__contains="отозвана").exists()
    with pytest.raises(ValidationError, match="направить её нельзя"):
        services.aid_request_submit(
            actor=operator_irkutsk, request=aid, crisis_confirmed=True, result_confirmed=True
        )


def test_edit_page_shows_the_request_and_saves_it(operator_irkutsk, returned, forms, client):
    login(client, operator_irkutsk)
    url = reverse("ngo_aid:request_edit", args=[returned.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Приложите квитанцию" in body and "Долг за коммунальные услуги" in body
    response = client.post(url, edit_data(forms, returned.version, family="999999"))
    assert response.status_code == 302
    aid = AidRequest.objects.get(pk=returned.pk)
    assert aid.children_count == 3 and aid.family_id == returned.family_id  # the family stays
    assert aid.lines.get().amount == Decimal("12000.50")
    # The same form again with the old version: refused, the typed text stays on the page.
    stale = client.post(url, edit_data(forms, returned.version, justification="Новый текст"))
    assert stale.status_code == 200 and "другой пользователь" in stale.content.decode()
    assert "Новый текст" in stale.content.decode()
    assert AidRequest.objects.get(pk=returned.pk).justification != "Новый текст"


def test_withdraw_page_and_a_submitted_request_cannot_be_edited(operator_irkutsk, returned, forms, client):
    login(client, operator_irkutsk)
    detail = client.get(reverse("ngo_aid:request_detail", args=[returned.pk])).content.decode()
    assert reverse("ngo_aid:request_edit", args=[returned.pk]) in detail
    assert "data-confirm=" in detail
    response = client.post(reverse("ngo_aid:request_withdraw", args=[returned.pk]), {"reason": ""})
    assert response.status_code == 302
    assert AidRequest.objects.get(pk=returned.pk).status == RequestStatus.WITHDRAWN
    response = client.get(reverse("ngo_aid:request_edit", args=[returned.pk]))
    assert response.status_code == 302
    response = client.post(reverse("ngo_aid:request_withdraw", args=[returned.pk]), {"reason": ""})
    assert response.status_code == 400 and "отозвать её нельзя" in response.content.decode()


def test_other_region_and_readers_cannot_edit_or_withdraw(
    operator_irkutsk, operator_khabarovsk, returned, forms, client, fed_analyst
):
    login(client, operator_khabarovsk)
    edit = reverse("ngo_aid:request_edit", args=[returned.pk])
    withdraw = reverse("ngo_aid:request_withdraw", args=[returned.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, edit_data(forms, returned.version)).status_code == 404
    assert client.post(withdraw).status_code == 404
    with pytest.raises((NotInScope, ActionNotAllowed)):
        services.aid_request_withdraw(actor=operator_khabarovsk, request=returned)
    with pytest.raises((NotInScope, ActionNotAllowed)):
        services.aid_request_update(
            actor=fed_analyst, request=returned, expected_version=returned.version, data={}, lines=[]
        )
    assert AidRequest.objects.get(pk=returned.pk).status == RequestStatus.RETURNED


def test_referrer_edits_and_withdraws_their_own_referral(irkutsk, operator_irkutsk, forms, client):
    curator = make_user(
        "curator_irkutsk", Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject("38")
    )
    referred = new_request(curator, irkutsk, sop_family(), forms)
    login(client, curator)
    url = reverse("ngo_aid:request_edit", args=[referred.pk])
    assert client.post(url, edit_data(forms, referred.version)).status_code == 302
    assert client.post(reverse("ngo_aid:request_withdraw", args=[referred.pk])).status_code == 302
    assert AidRequest.objects.get(pk=referred.pk).status == RequestStatus.WITHDRAWN


def test_api_edits_and_withdraws_through_the_same_services(
    operator_irkutsk, operator_khabarovsk, returned, forms
):
    api = APIClient()
    api.force_authenticate(operator_khabarovsk)
    url = f"/api/v1/aid/requests/{returned.pk}/"
    body = {
        "version": returned.version,
        "children_count": 4,
        "channel": "family",
        "justification": "Через API",
        "lines": [{"form": "utilities", "amount": "9000.00"}],
    }
    assert api.put(url, body, format="json").status_code == 404
    assert api.post(f"{url}withdraw/", {}, format="json").status_code == 404
    api.force_authenticate(operator_irkutsk)
    response = api.put(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["children_count"] == 4 and response.json()["version"] == returned.version + 1
    stale = api.put(url, body, format="json")
    assert stale.status_code == 400
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(returned.pk)).count() == 1
    response = api.post(f"{url}withdraw/", {"reason": "Не нужна"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert api.post(f"{url}withdraw/", {}, format="json").status_code == 400
