"""The operator's appointment (004): the criteria of the choice and the operator's roles, recorded by
those who manage the region's organisations — never by the operator itself."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import login, make_user, subject
from vyzov.accounts.access import ActionNotAllowed, NotInScope
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.core.models import AuditAction, AuditEntry
from vyzov.ngo_aid import services
from vyzov.ngo_aid.models import Operator

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def appointment(**overrides):
    data = {
        "appointed_on": TODAY - dt.timedelta(days=100),
        "criterion_presidential_grants": True,
        "criterion_reputation": True,
        "selection_note": "Победитель конкурса Фонда президентских грантов 2023 г.",
        "role_fund_manager": True,
        "role_leading_operator": True,
    }
    data.update(overrides)
    return data


def test_federal_admin_records_criteria_and_roles_and_the_fund_page_shows_them(irkutsk, fed_admin, client):
    login(client, fed_admin)
    post = {k: ("true" if v is True else v) for k, v in appointment().items()}
    post["appointed_on"] = appointment()["appointed_on"].isoformat()
    response = client.post(reverse("ngo_aid:operator_appointment", args=[irkutsk.pk]), post)
    assert response.status_code == 302
    irkutsk.refresh_from_db()
    assert irkutsk.criterion_presidential_grants and irkutsk.criterion_reputation
    assert (
        not irkutsk.criterion_property_staff and irkutsk.role_fund_manager and not irkutsk.role_resource_ngo
    )
    row = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(irkutsk.pk))
    assert row.details["roles"] == ["role_fund_manager", "role_leading_operator"]
    page = client.get(reverse("ngo_aid:fund_detail", args=[irkutsk.pk])).content.decode()
    assert "опыт работы с Фондом президентских грантов" in page and "оператор внебюджетных средств" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"appointed_on": TODAY + dt.timedelta(days=1)}, "будущем"),
        ({"appointed_on": None}, "Укажите дату назначения"),
        ({"role_fund_manager": False, "role_leading_operator": False}, "хотя бы одну роль"),
    ],
)
def test_bad_appointment_is_refused_in_russian_and_nothing_changes(irkutsk, fed_admin, changes, message):
    with pytest.raises(ValidationError, match=message):
        services.operator_appointment_record(actor=fed_admin, operator=irkutsk, data=appointment(**changes))
    stored = Operator.objects.get(pk=irkutsk.pk)
    assert stored.appointed_on is None and not stored.role_fund_manager


def test_the_operator_cannot_certify_itself_and_another_region_cannot_either(
    irkutsk, operator_irkutsk, curator_altai, client
):
    with pytest.raises(ActionNotAllowed):
        services.operator_appointment_record(actor=operator_irkutsk, operator=irkutsk, data=appointment())
    with pytest.raises(NotInScope):
        services.operator_appointment_record(actor=curator_altai, operator=irkutsk, data=appointment())
    login(client, operator_irkutsk)
    page = client.get(reverse("ngo_aid:fund_detail", args=[irkutsk.pk])).content.decode()
    assert "Записать назначение" not in page and "Назначение оператора" in page
    response = client.post(
        reverse("ngo_aid:operator_appointment", args=[irkutsk.pk]), {"appointed_on": TODAY.isoformat()}
    )
    assert response.status_code == 403
    irkutsk.refresh_from_db()
    assert irkutsk.appointed_on is None
    # The region's curator manages its organisations: allowed through the service.
    curator_irkutsk = make_user(
        "curator_irkutsk", Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject("38")
    )
    services.operator_appointment_record(actor=curator_irkutsk, operator=irkutsk, data=appointment())
    assert Operator.objects.get(pk=irkutsk.pk).role_leading_operator
