"""Targeted aid: eligibility rules, money rules, the fund's balance under concurrency, access, audit."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import centre, login, make_org, make_user, queries_for, subject
from vyzov.accounts.access import ActionNotAllowed, NotInScope
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.cases import services as case_services
from vyzov.cases.models import FamilyEvent
from vyzov.cases.tests.factories import make_family
from vyzov.core.models import AuditAction, AuditEntry
from vyzov.ngo_aid import eligibility, reference, services
from vyzov.ngo_aid.models import AidForm, AidRequest, Fund, Operator, RegionalMeasure, RequestStatus

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def operator_for(code: str) -> Operator:
    organization = make_org(f"НКО-оператор {code}", kind="ngo", subject_=subject(code))
    operator = Operator.objects.create(organization=organization, subject=subject(code))
    Fund.objects.create(operator=operator)
    return operator


@pytest.fixture
def forms(db):
    reference.load_forms()
    return {form.code: form for form in AidForm.objects.all()}


@pytest.fixture
def irkutsk(forms):
    return operator_for("38")


@pytest.fixture
def khabarovsk(forms):
    return operator_for("27")


@pytest.fixture
def operator_irkutsk(irkutsk):
    return make_user("operator_irkutsk", Role.NGO_OPERATOR, level=ScopeLevel.SUBJECT, subject=subject("38"))


@pytest.fixture
def operator_khabarovsk(khabarovsk):
    return make_user(
        "operator_khabarovsk", Role.NGO_OPERATOR, level=ScopeLevel.SUBJECT, subject=subject("27")
    )


def sop_family(code="38", *, status="sop", active=True):
    family = make_family(centre(code))
    data = {"kind": status, "start_date": TODAY - dt.timedelta(days=100), "basis": "Постановление КДН"}
    if not active:
        data["end_date"] = TODAY - dt.timedelta(days=10)
    family.statuses.create(**data)
    return family


def new_request(actor, operator, family, forms, *amounts):
    lines = [
        {"form": forms[code], "amount": amount} for code, amount in amounts or [("utilities", "10000.00")]
    ]
    return services.aid_request_create(
        actor=actor,
        operator=operator,
        family=family,
        lines=lines,
        data={"children_count": 2, "channel": "consilium", "justification": "Долг за коммунальные услуги"},
    )


def funded(operator, actor, amount="100000.00"):
    return services.income_add(
        actor=actor,
        fund=operator.fund,
        data={"source": "grant", "amount": Decimal(amount), "received_on": TODAY, "document": "Грант № 1"},
    )


# ---- eligibility -------------------------------------------------------------------------------


def test_status_rule_accepts_sop_and_tzhs_and_refuses_without_an_active_status():
    assert eligibility.rule_status(sop_family(), day=TODAY).ok
    assert eligibility.rule_status(sop_family(status="tzhs"), day=TODAY).ok
    ended = eligibility.rule_status(sop_family(active=False), day=TODAY)
    assert not ended.ok and "нет действующего статуса" in ended.explanation
    assert not eligibility.rule_status(make_family(centre("38")), day=TODAY).ok


def test_not_covered_rule_refuses_a_duplicate_of_a_regional_measure_unless_explained(forms):
    family = sop_family()
    RegionalMeasure.objects.create(
        family=family,
        form=forms["utilities"],
        granted_on=TODAY - dt.timedelta(days=30),
        document="Приказ о компенсации ЖКУ",
    )
    refused = eligibility.rule_not_covered(family, {forms["utilities"].pk}, day=TODAY)
    assert not refused.ok and "Уже назначено региональными мерами" in refused.explanation
    assert eligibility.rule_not_covered(family, {forms["basic_goods"].pk}, day=TODAY).ok
    excepted = eligibility.rule_not_covered(
        family,
        {forms["utilities"].pk},
        day=TODAY,
        exception="Компенсация придёт через 4 месяца, отключение — через неделю",
    )
    assert excepted.ok and "Исключение" in excepted.explanation
    old = RegionalMeasure.objects.create(
        family=family,
        form=forms["basic_goods"],
        granted_on=TODAY - dt.timedelta(days=400),
        document="старая мера",
    )
    assert eligibility.rule_not_covered(family, {old.form_id}, day=TODAY).ok  # more than a year ago


def test_submit_names_the_failed_rule_and_keeps_the_request_editable(operator_irkutsk, irkutsk, forms):
    aid = new_request(operator_irkutsk, irkutsk, make_family(centre("38")), forms)
    with pytest.raises(ValidationError) as caught:
        services.aid_request_submit(
            actor=operator_irkutsk, request=aid, crisis_confirmed=True, result_confirmed=False
        )
    text = " ".join(caught.value.messages)
    assert "СОП или ТЖС" in text and "снижает риск разлучения" in text
    aid.refresh_from_db()
    assert aid.status == RequestStatus.DRAFT and not aid.eligibility["status"]["ok"]


# ---- the workflow and money --------------------------------------------------------------------


def test_full_workflow_leaves_audit_rows_and_family_events(operator_irkutsk, irkutsk, forms):
    funded(irkutsk, operator_irkutsk)
    family = sop_family()
    aid = new_request(
        operator_irkutsk, irkutsk, family, forms, ("utilities", "30000.50"), ("basic_goods", "9999.50")
    )
    services.aid_request_submit(
        actor=operator_irkutsk, request=aid, crisis_confirmed=True, result_confirmed=True
    )
    services.aid_request_approve(actor=operator_irkutsk, request=aid, amount="40000.00")
    services.payment_add(
        actor=operator_irkutsk,
        request=aid,
        amount="15000.00",
        paid_on=TODAY,
        payee="УК «Дом»",
        document="п/п 1",
    )
    services.payment_add(
        actor=operator_irkutsk,
        request=aid,
        amount="25000.00",
        paid_on=TODAY,
        payee="Магазин",
        document="п/п 2",
    )
    services.outcome_report(actor=operator_irkutsk, request=aid, outcome="risk_removed", note="Долг погашен")
    aid.refresh_from_db()
    assert aid.status == RequestStatus.REPORTED
    statuses = list(
        AuditEntry.objects.filter(object_type="ngo_aid.aidrequest", action=AuditAction.STATUS_CHANGE)
        .order_by("id")
        .values_list("details__status", flat=True)
    )
    assert statuses == ["submitted", "approved", "paid", "reported"]
    assert FamilyEvent.objects.filter(family=family).count() == 5  # created + 4 state changes
    assert services.fund_available(irkutsk.fund) == Decimal("60000.00")


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        ((("utilities", "-5"),), "больше нуля"),
        ((("utilities", "0"),), "больше нуля"),
        ((("utilities", "99999999"),), "проверьте число"),
        ((("utilities", "много"),), "рублей с копейками"),
        ((("utilities", "1"), ("utilities", "2")), "указана дважды"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_saved(operator_irkutsk, irkutsk, forms, amounts, message):
    with pytest.raises(ValidationError, match=message):
        new_request(operator_irkutsk, irkutsk, sop_family(), forms, *amounts)
    assert not AidRequest.objects.exists()


def test_payments_above_approved_or_for_rejected_requests_are_refused(operator_irkutsk, irkutsk, forms):
    funded(irkutsk, operator_irkutsk)
    aid = new_request(operator_irkutsk, irkutsk, sop_family(), forms)
    services.aid_request_submit(
        actor=operator_irkutsk, request=aid, crisis_confirmed=True, result_confirmed=True
    )
    with pytest.raises(ValidationError, match="выплата по ней невозможна"):
        services.payment_add(
            actor=operator_irkutsk, request=aid, amount="1", paid_on=TODAY, payee="x", document="y"
        )
    services.aid_request_approve(actor=operator_irkutsk, request=aid, amount="10000")
    with pytest.raises(ValidationError, match="больше одобренного"):
        services.payment_add(
            actor=operator_irkutsk, request=aid, amount="10000.01", paid_on=TODAY, payee="x", document="y"
        )
    with pytest.raises(ValidationError, match="в будущем"):
        services.payment_add(
            actor=operator_irkutsk,
            request=aid,
            amount="10",
            paid_on=TODAY + dt.timedelta(days=2),
            payee="x",
            document="y",
        )
    assert not aid.payments.exists()
    other = new_request(operator_irkutsk, irkutsk, sop_family(), forms)
    services.aid_request_submit(
        actor=operator_irkutsk, request=other, crisis_confirmed=True, result_confirmed=True
    )
    with pytest.raises(ValidationError, match="Укажите причину"):
        services.aid_request_decline(actor=operator_irkutsk, request=other, reason="", give_back=False)
    services.aid_request_decline(
        actor=operator_irkutsk, request=other, reason="Не подтверждён кризис", give_back=False
    )
    with pytest.raises(ValidationError, match="выплата по ней невозможна"):
        services.payment_add(
            actor=operator_irkutsk, request=other, amount="1", paid_on=TODAY, payee="x", document="y"
        )


def test_approval_cannot_exceed_the_balance_or_the_request(operator_irkutsk, irkutsk, forms):
    funded(irkutsk, operator_irkutsk, "5000.00")
    aid = new_request(operator_irkutsk, irkutsk, sop_family(), forms, ("utilities", "8000.00"))
    services.aid_request_submit(
        actor=operator_irkutsk, request=aid, crisis_confirmed=True, result_confirmed=True
    )
    with pytest.raises(ValidationError, match="больше, чем запрошено"):
        services.aid_request_approve(actor=operator_irkutsk, request=aid, amount="8000.01")
    with pytest.raises(ValidationError) as refused:
        services.aid_request_approve(actor=operator_irkutsk, request=aid, amount="8000.00")
    assert refused.value.message_dict["amount"] == [
        "Недостаточно средств фонда: доступно 5\u202f000\u00a0₽, на одобрение нужно 8\u202f000\u00a0₽."
    ]
    aid.refresh_from_db()
    assert aid.status == RequestStatus.SUBMITTED and aid.approved_amount is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_approvals_never_overdraw_the_fund(forms):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks (SELECT … FOR UPDATE) are tested on PostgreSQL; SQLite serialises all writes.")
    irkutsk = operator_for("38")
    actor = make_user("operator_parallel", Role.NGO_OPERATOR, level=ScopeLevel.SUBJECT, subject=subject("38"))
    funded(irkutsk, actor, "100000.00")
    requests = []
    for _ in range(20):
        aid = new_request(actor, irkutsk, sop_family(), forms, ("utilities", "9000.00"))
        services.aid_request_submit(actor=actor, request=aid, crisis_confirmed=True, result_confirmed=True)
        requests.append(aid)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def approve(aid):
        try:
            barrier.wait()
            services.aid_request_approve(actor=actor, request=aid, amount="9000.00")
            outcomes.append("approved")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(aid,)) for aid in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("approved") == 11  # 11 × 9 000 = 99 000 ≤ 100 000 < 12 × 9 000
    refused = [text for text in outcomes if text != "approved"]
    assert len(refused) == 9 and all("Недостаточно средств фонда" in text for text in refused)
    assert services.fund_available(irkutsk.fund) == Decimal("1000.00")
    assert AidRequest.objects.filter(status=RequestStatus.APPROVED).count() == 11


# ---- access ------------------------------------------------------------------------------------


def test_irkutsk_operator_cannot_see_khabarovsk_requests(
    operator_irkutsk, operator_khabarovsk, khabarovsk, forms, client
):
    theirs = new_request(operator_khabarovsk, khabarovsk, sop_family("27"), forms)
    login(client, operator_irkutsk)
    assert client.get(reverse("ngo_aid:request_detail", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("ngo_aid:request_approve", args=[theirs.pk]), {"amount": "1"}).status_code == 404
    )
    api = APIClient()
    api.force_authenticate(operator_irkutsk)
    assert api.get(f"/api/v1/aid/requests/{theirs.pk}/").status_code == 404
    assert api.get("/api/v1/aid/requests/").json()["count"] == 0
    login(client, operator_khabarovsk)
    assert client.get(reverse("ngo_aid:request_detail", args=[theirs.pk])).status_code == 200


def test_operator_cannot_take_a_family_of_another_region(operator_irkutsk, irkutsk, forms):
    with pytest.raises(ValidationError, match="другого региона"):
        new_request(operator_irkutsk, irkutsk, sop_family("27"), forms)


def test_curator_sees_only_the_requests_they_referred(irkutsk, operator_irkutsk, forms, client):
    curator = make_user(
        "curator_irkutsk", Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject("38")
    )
    referred = new_request(curator, irkutsk, sop_family(), forms)
    operators_own = new_request(operator_irkutsk, irkutsk, sop_family(), forms)
    assert referred.referred_by == curator
    login(client, curator)
    assert client.get(reverse("ngo_aid:request_detail", args=[referred.pk])).status_code == 200
    assert client.get(reverse("ngo_aid:request_detail", args=[operators_own.pk])).status_code == 404
    with pytest.raises((NotInScope, ActionNotAllowed)):
        services.aid_request_approve(actor=curator, request=referred, amount="1")


def test_service_sees_requests_referred_from_its_organization(irkutsk, forms, client):
    service = make_org("Служба «Дети в семье», Иркутск", kind="family_service", municipality=centre("38"))
    specialist = make_user(
        "service_irkutsk", Role.SERVICE_SPECIALIST, level=ScopeLevel.ORGANIZATION, organization=service
    )
    family = sop_family()
    aid = AidRequest.objects.create(
        operator=irkutsk,
        subject=subject("38"),
        family=family,
        children_count=1,
        channel="service",
        referring_organization=service,
        justification="x",
    )
    login(client, specialist)
    assert client.get(reverse("ngo_aid:request_detail", args=[aid.pk])).status_code == 200


def test_federal_analyst_sees_aggregates_only(
    operator_irkutsk, irkutsk, forms, fed_analyst, fed_admin, client
):
    funded(irkutsk, operator_irkutsk)
    aid = new_request(operator_irkutsk, irkutsk, sop_family(), forms)
    services.aid_request_submit(
        actor=operator_irkutsk, request=aid, crisis_confirmed=True, result_confirmed=True
    )
    services.aid_request_approve(actor=operator_irkutsk, request=aid, amount="10000")
    login(client, fed_analyst)
    assert client.get(reverse("ngo_aid:request_detail", args=[aid.pk])).status_code == 404
    report = client.get(reverse("ngo_aid:report")).context["report"]
    assert (report.families, report.approved) == (1, Decimal("10000"))
    login(client, fed_admin)  # the federal admin may drill down
    assert client.get(reverse("ngo_aid:request_detail", args=[aid.pk])).status_code == 200


def test_report_counts_large_families_and_breaks_down_by_operator(
    operator_irkutsk, irkutsk, forms, fed_analyst, fed_admin, client
):
    funded(irkutsk, operator_irkutsk, amount="500000.00")
    for children in (2, 3, 4):
        aid = new_request(operator_irkutsk, irkutsk, sop_family(), forms)
        AidRequest.objects.filter(pk=aid.pk).update(children_count=children)
        services.aid_request_submit(
            actor=operator_irkutsk, request=aid, crisis_confirmed=True, result_confirmed=True
        )
        services.aid_request_approve(actor=operator_irkutsk, request=aid, amount="10000")
    login(client, fed_admin)
    report = client.get(reverse("ngo_aid:report")).context["report"]
    assert (report.families, report.children, report.large_families) == (3, 9, 2)
    assert [(row[1], row[2], row[3], row[4]) for row in report.by_operator] == [
        ("Иркутская область", 3, 9, Decimal("30000"))
    ]
    # Without personal data access an operator row below the threshold (3) is not shown.
    AidRequest.objects.filter(children_count=4).update(status=RequestStatus.WITHDRAWN)
    login(client, fed_analyst)
    page = client.get(reverse("ngo_aid:report"))
    assert page.context["report"].by_operator == [] and page.context["report"].large_families == 1
    assert "многодетных" in page.content.decode()


def test_analyst_gets_no_requests_but_the_report_api(analyst):
    api = APIClient()
    api.force_authenticate(analyst)
    assert api.get("/api/v1/aid/requests/").json()["count"] == 0
    assert api.get("/api/v1/aid/report/").status_code == 200


# ---- pages -------------------------------------------------------------------------------------


def test_create_page_refuses_bad_input_in_russian(operator_irkutsk, irkutsk, forms, client):
    login(client, operator_irkutsk)
    family = sop_family()
    response = client.post(
        reverse("ngo_aid:request_create"),
        {
            "family": family.pk,
            "children_count": "0",
            "channel": "consilium",
            "justification": "",
            "line0-form": forms["utilities"].pk,
            "line0-amount": "abc",
        },
    )
    errors = response.context["form"].errors
    assert "children_count" in errors and "justification" in errors
    assert not AidRequest.objects.exists()
    response = client.post(
        reverse("ngo_aid:request_create"),
        {
            "family": family.pk,
            "children_count": "2",
            "channel": "consilium",
            "justification": "Кризис",
            "line0-form": forms["utilities"].pk,
            "line0-amount": "15000.00",
        },
    )
    assert response.status_code == 302 and AidRequest.objects.count() == 1


def test_request_list_and_card_query_counts_are_bounded(operator_irkutsk, irkutsk, forms, client):
    login(client, operator_irkutsk)
    new_request(operator_irkutsk, irkutsk, sop_family(), forms)
    few = queries_for(client, reverse("ngo_aid:request_list"))
    for _ in range(15):
        new_request(operator_irkutsk, irkutsk, sop_family(), forms, ("utilities", "1.00"), ("travel", "2.00"))
    assert queries_for(client, reverse("ngo_aid:request_list")) == few <= 14
    aid = AidRequest.objects.first()
    assert queries_for(client, reverse("ngo_aid:request_detail", args=[aid.pk])) <= 16


def test_income_must_be_positive_and_not_in_the_future(operator_irkutsk, irkutsk):
    with pytest.raises(ValidationError):
        services.income_add(
            actor=operator_irkutsk,
            fund=irkutsk.fund,
            data={"source": "grant", "amount": Decimal("-1"), "received_on": TODAY, "document": "x"},
        )
    with pytest.raises(ValidationError, match="в будущем"):
        services.income_add(
            actor=operator_irkutsk,
            fund=irkutsk.fund,
            data={
                "source": "grant",
                "amount": Decimal("1"),
                "received_on": TODAY + dt.timedelta(days=1),
                "document": "x",
            },
        )
    assert not irkutsk.fund.incomes.exists()


def test_demo_reproduces_the_brochure_totals(db):
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(DEBUG=True):
        call_command("load_demo", register_scale=0.03)
    done = AidRequest.objects.filter(status=RequestStatus.REPORTED)
    assert done.values("family").distinct().count() >= 600
    assert sum(done.values_list("children_count", flat=True)) == 1600
    total = sum(done.values_list("approved_amount", flat=True))
    assert Decimal("59000000") <= total <= Decimal("60000000")
    assert case_services  # the register services stay importable from here
    # Q1–Q3 2025 as the brochure says, in the list as in the report (not the day the demo was loaded).
    assert {aid.created_at.year for aid in done} == {2025}
    assert {aid.decided_at.date() for aid in done} <= {
        dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(273)
    }
    # Every fund can still pay: the demo stays workable.
    assert all(services.fund_available(fund) > 0 for fund in Fund.objects.all())
    from vyzov.accounts.models import User

    irkutsk = User.objects.get(username="ngo_irkutsk")
    waiting = AidRequest.objects.filter(operator__subject__code="38", status=RequestStatus.SUBMITTED).first()
    approved = services.aid_request_approve(actor=irkutsk, request=waiting, amount="59500.00")
    assert approved.status == RequestStatus.APPROVED
    # The report opened without dates shows the latest year with approvals, not an empty current year.
    from vyzov.ngo_aid import selectors

    fed = User.objects.get(username="fed_analyst")
    date_from, date_to = selectors.default_report_period(actor=fed, today=dt.date(2026, 11, 30))
    assert (date_from, date_to) == (dt.date(2026, 1, 1), dt.date(2026, 11, 30))  # the approval above
    approved.decided_at = timezone.make_aware(dt.datetime(2025, 9, 1))
    approved.save(update_fields=["decided_at"])
    date_from, date_to = selectors.default_report_period(actor=fed, today=dt.date(2026, 11, 30))
    assert (date_from, date_to) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    report = selectors.report(actor=fed, date_from=date_from, date_to=date_to)
    assert report.children >= 1600 and report.large_families > 0
