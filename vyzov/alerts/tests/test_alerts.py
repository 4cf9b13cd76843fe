"""Signals about children at risk: registration, the check as an action item, the outcome with its
links, access from both sides, personal data only with the permission (and audited), bad input."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login, make_org, queries_for, town
from vyzov.accounts.access import NotInScope
from vyzov.alerts import selectors, services
from vyzov.alerts.models import Alert, AlertOutcome, AlertStatus
from vyzov.cases.models import FamilySocialStatus
from vyzov.cases.tests.factories import make_child, make_family
from vyzov.consilium.models import ActionItem, ActionStatus
from vyzov.core.models import AuditAction, AuditEntry
from vyzov.support.models import FamilyCase, Service, Specialist

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def register(actor, municipality, **overrides):
    data = {
        "received_on": TODAY - dt.timedelta(days=2),
        "source": "school",
        "source_detail": "Школа № 5, классный руководитель",
        "content": "Ученик третий день без обеда, на руках синяки",
        "person_description": "",
    }
    family = overrides.pop("family", None)
    child = overrides.pop("child", None)
    data.update(overrides)
    return services.alert_register(
        actor=actor, municipality=municipality, data=data, family=family, child=child
    )


@pytest.fixture
def opeka_barnaul(db):
    return make_org("Отдел опеки Барнаула", kind="guardianship_body", municipality=centre("22"))


@pytest.fixture
def family_barnaul(db):
    return make_family(centre("22"), title="Семья Барнаульцевых")


def assigned(actor, alert, org, executor, deadline=None):
    return services.alert_check_assign(
        actor=actor,
        alert=alert,
        organization=org,
        executor=executor,
        deadline=deadline or TODAY + dt.timedelta(days=3),
    )


def test_municipal_specialist_registers_a_signal_about_an_unknown_child(municipal_barnaul, client):
    login(client, municipal_barnaul)
    response = client.post(
        reverse("alerts:alert_register"),
        {
            "municipality": centre("22").pk,
            "received_on": f"{TODAY:%Y-%m-%d}",
            "source": "neighbours",
            "content": "Соседи слышат крики ребёнка по ночам",
            "person_description": "Мальчик лет 6, ул. Ленина, 10, кв. 4",
        },
    )
    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("alerts:alert_detail", args=[alert.pk])
    assert alert.subject_id == centre("22").subject_id and alert.status == AlertStatus.REGISTERED
    assert alert.created_by == municipal_barnaul
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(alert.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"received_on": "2099-01-01"}, "не может быть в будущем"),
        ({"person_description": ""}, "опишите, о ком сигнал"),
        ({"content": ""}, "Обязательное поле"),
    ],
)
def test_bad_input_gets_a_russian_message_and_writes_nothing(municipal_barnaul, client, changes, message):
    login(client, municipal_barnaul)
    data = {
        "municipality": centre("22").pk,
        "received_on": f"{TODAY:%Y-%m-%d}",
        "source": "hotline",
        "content": "Звонок на телефон доверия",
        "person_description": "Девочка, 12 лет, школа № 3",
    }
    data.update(changes)
    response = client.post(reverse("alerts:alert_register"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Alert.objects.exists()


def test_a_family_of_another_region_is_refused(municipal_barnaul, curator_perm):
    perm_family = make_family(centre("59"), title="Семья Пермских")
    with pytest.raises(ValidationError) as error:
        register(municipal_barnaul, centre("22"), family=perm_family)
    assert "не найдена" in str(error.value)
    assert not Alert.objects.exists()


def test_a_signal_is_seen_in_its_region_only(municipal_barnaul, curator_altai, curator_perm, client):
    alert = register(municipal_barnaul, centre("22"), person_description="Ребёнок без присмотра")
    login(client, curator_altai)
    assert client.get(reverse("alerts:alert_detail", args=[alert.pk])).status_code == 200
    assert f"Сигнал № {alert.pk}" in client.get(reverse("alerts:alert_list")).content.decode()
    login(client, curator_perm)
    assert client.get(reverse("alerts:alert_detail", args=[alert.pk])).status_code == 404
    assert f"Сигнал № {alert.pk}" not in client.get(reverse("alerts:alert_list")).content.decode()
    with pytest.raises(NotInScope):
        services.alert_check_assign(
            actor=curator_perm,
            alert=alert,
            organization=make_org("Опека Перми", kind="guardianship_body", municipality=centre("59")),
            deadline=TODAY,
        )
    # Registering in another region's municipality is refused the same way.
    with pytest.raises(NotInScope):
        register(curator_perm, centre("22"), person_description="x")


def test_names_and_text_only_with_the_personal_data_permission_and_each_read_is_audited(
    municipal_barnaul, curator_altai, fed_analyst, family_barnaul, client
):
    alert = register(municipal_barnaul, centre("22"), family=family_barnaul)
    url = reverse("alerts:alert_detail", args=[alert.pk])
    before = AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL).count()
    login(client, fed_analyst)
    page = client.get(url).content.decode()
    assert "Барнаульцевых" not in page and "синяки" not in page and f"Семья № {family_barnaul.pk}" in page
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL).count() == before
    login(client, curator_altai)
    response = client.get(url)
    page = response.content.decode()
    assert "Барнаульцевых" in page and "синяки" in page
    rows = AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL, details__kind="alert_card")
    assert rows.count() == 1 and rows.get().actor == curator_altai
    assert response.headers["Cache-Control"] == "no-store"


def test_check_is_an_action_item_and_the_outcome_puts_the_family_on_record(
    municipal_barnaul, curator_altai, opeka_barnaul, family_barnaul, client
):
    alert = register(municipal_barnaul, centre("22"), family=family_barnaul)
    assigned(curator_altai, alert, opeka_barnaul, municipal_barnaul)
    alert.refresh_from_db()
    item = alert.check_item
    assert alert.status == AlertStatus.CHECKING
    assert (
        item.origin == alert and item.executor == municipal_barnaul and item.status == ActionStatus.ASSIGNED
    )
    # Confirmed without a basis: refused, nothing written.
    login(client, municipal_barnaul)
    url = reverse("alerts:check_complete", args=[alert.pk])
    data = {"outcome": AlertOutcome.SOP, "outcome_note": "Подтвердилось", "checked_on": f"{TODAY:%Y-%m-%d}"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Укажите основание" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CHECKING and not FamilySocialStatus.objects.exists()
    response = client.post(url, {**data, "status_basis": "Постановление КДНиЗП № 7"})
    assert response.status_code == 302
    alert.refresh_from_db()
    item.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.outcome == AlertOutcome.SOP
    assert item.status == ActionStatus.DONE
    status = FamilySocialStatus.objects.get(family=family_barnaul)
    assert status.kind == "sop" and status.start_date == TODAY and "КДНиЗП № 7" in status.basis
    # A second outcome is refused.
    with pytest.raises(ValidationError):
        services.alert_check_complete(
            actor=curator_altai, alert=alert, outcome="not_confirmed", outcome_note="x", checked_on=TODAY
        )


def test_the_check_cannot_end_before_the_signal_or_without_a_family_for_support(
    municipal_barnaul, curator_altai, opeka_barnaul, family_barnaul
):
    alert = register(municipal_barnaul, centre("22"), person_description="Неизвестный ребёнок")
    with pytest.raises(ValidationError, match="назначьте проверку"):
        services.alert_check_complete(
            actor=curator_altai, alert=alert, outcome="not_confirmed", outcome_note="x", checked_on=TODAY
        )
    assigned(curator_altai, alert, opeka_barnaul, None)
    with pytest.raises(ValidationError, match="раньше поступления"):
        services.alert_check_complete(
            actor=curator_altai,
            alert=alert,
            outcome="not_confirmed",
            outcome_note="x",
            checked_on=alert.received_on - dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="семью из реестра"):
        services.alert_check_complete(
            actor=curator_altai, alert=alert, outcome=AlertOutcome.SUPPORT, outcome_note="x", checked_on=TODAY
        )
    service = Service.objects.create(
        organization=make_org("Служба Барнаул", kind="family_service", municipality=centre("22"))
    )
    specialist = Specialist.objects.create(service=service, full_name="Анна")
    other = FamilyCase.objects.create(
        service=service,
        family=make_family(centre("22"), title="Семья Других"),
        specialist=specialist,
        referral="guardianship",
        reason="Долги",
        intake_date=TODAY,
        children_count=1,
    )
    with pytest.raises(ValidationError, match="другой семьи"):
        services.alert_check_complete(
            actor=curator_altai,
            alert=alert,
            outcome=AlertOutcome.SUPPORT,
            outcome_note="x",
            checked_on=TODAY,
            family=family_barnaul,
            family_case=other,
        )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CHECKING and alert.family is None  # nothing partial
    ours = FamilyCase.objects.create(
        service=service,
        family=family_barnaul,
        specialist=specialist,
        referral="guardianship",
        reason="Сигнал школы",
        intake_date=TODAY,
        children_count=1,
    )
    services.alert_check_complete(
        actor=curator_altai,
        alert=alert,
        outcome=AlertOutcome.SUPPORT,
        outcome_note="Семья принята на сопровождение",
        checked_on=TODAY,
        family=family_barnaul,
        family_case=ours,
    )
    alert.refresh_from_db()
    assert alert.family == family_barnaul and alert.family_case == ours


def test_overdue_checks_come_first_and_reach_the_responsible_persons_home(
    municipal_barnaul, curator_altai, opeka_barnaul, client
):
    old = register(
        municipal_barnaul,
        centre("22"),
        person_description="Первый",
        received_on=TODAY - dt.timedelta(days=20),
    )
    new = register(municipal_barnaul, centre("22"), person_description="Второй")
    assigned(curator_altai, old, opeka_barnaul, municipal_barnaul)
    ActionItem.objects.filter(pk=Alert.objects.get(pk=old.pk).check_item_id).update(
        deadline=TODAY - dt.timedelta(days=1)
    )
    rows = list(selectors.alert_list(actor=curator_altai))
    assert [a.pk for a in rows] == [old.pk, new.pk]
    assert [a.pk for a in selectors.alert_list(actor=curator_altai, filters={"overdue": True})] == [old.pk]
    login(client, municipal_barnaul)
    home = client.get("/").content.decode()
    assert "проверка просрочена" in home and f"Сигнал № {old.pk}" in home
    login(client, curator_altai)  # not the responsible person: not in their home queue
    assert "проверка просрочена" not in client.get("/").content.decode()


def test_the_responsible_person_from_another_organisation_sees_the_card(curator_altai, opeka_barnaul, client):
    from conftest import make_user
    from vyzov.accounts.models import Role, ScopeLevel

    biysk = make_user(
        "municipal_biysk",
        Role.MUNICIPAL_SPECIALIST,
        level=ScopeLevel.MUNICIPALITY,
        municipality=town("22", "Бийск"),
    )
    alert = register(curator_altai, centre("22"), person_description="Ребёнок")
    login(client, biysk)
    assert client.get(reverse("alerts:alert_detail", args=[alert.pk])).status_code == 404
    biysk_org = make_org("Опека Бийска", kind="guardianship_body", municipality=town("22", "Бийск"))
    assigned(curator_altai, alert, biysk_org, biysk)
    assert client.get(reverse("alerts:alert_detail", args=[alert.pk])).status_code == 200


def test_list_and_card_cost_a_bounded_number_of_queries(
    municipal_barnaul, curator_altai, opeka_barnaul, client
):
    for number in range(6):
        alert = register(
            municipal_barnaul, centre("22"), family=make_family(centre("22"), title=f"Семья {number}")
        )
        assigned(curator_altai, alert, opeka_barnaul, municipal_barnaul)
    child = make_child(centre("22"))
    alert = register(municipal_barnaul, centre("22"), child=child)
    login(client, curator_altai)
    assert queries_for(client, reverse("alerts:alert_list")) <= 12
    assert queries_for(client, reverse("alerts:alert_detail", args=[alert.pk])) <= 16
