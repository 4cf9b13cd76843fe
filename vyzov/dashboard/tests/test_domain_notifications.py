"""Each domain event named by the issue leaves a notification for the person who has to act."""

import pytest
from django.urls import reverse

from conftest import centre, make_user, subject, town
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.contests import services as contest_services
from vyzov.contests.tests.test_contests import expert_from, make_contest, participant_of
from vyzov.dashboard.models import Kind, Notification
from vyzov.monitoring import services as monitoring_services
from vyzov.monitoring.tests.test_monitoring import Q4_2025, value
from vyzov.ngo_aid import services as aid_services
from vyzov.ngo_aid.tests.test_ngo_aid import funded, new_request, operator_for, sop_family
from vyzov.support import services as support_services
from vyzov.support.tests.test_support import open_case, service_in, specialist_of

pytestmark = pytest.mark.django_db


def only(user) -> Notification:
    return Notification.objects.get(recipient=user)


@pytest.fixture
def aid_forms(db):
    from vyzov.ngo_aid import reference
    from vyzov.ngo_aid.models import AidForm

    reference.load_forms()
    return {form.code: form for form in AidForm.objects.all()}


def test_aid_request_returned_and_approved_notify_the_referrer(aid_forms):
    forms = aid_forms
    irkutsk = operator_for("38")
    operator = make_user(
        "operator_irkutsk", Role.NGO_OPERATOR, level=ScopeLevel.SUBJECT, subject=subject("38")
    )
    referrer = make_user(
        "curator_irkutsk", Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject("38")
    )
    funded(irkutsk, operator)
    aid = new_request(referrer, irkutsk, sop_family(), forms)
    aid_services.aid_request_submit(actor=referrer, request=aid, crisis_confirmed=True, result_confirmed=True)
    aid_services.aid_request_decline(
        actor=operator, request=aid, reason="Нет справки о доходах", give_back=True
    )
    returned = only(referrer)
    assert returned.kind == Kind.RETURN and "Нет справки о доходах" in returned.title
    assert returned.url == reverse("ngo_aid:request_detail", args=[aid.pk])
    Notification.objects.all().delete()
    other = new_request(referrer, irkutsk, sop_family(), forms)
    aid_services.aid_request_submit(
        actor=referrer, request=other, crisis_confirmed=True, result_confirmed=True
    )
    aid_services.aid_request_approve(actor=operator, request=other, amount="10000")
    assert only(referrer).kind == Kind.APPROVAL
    assert not Notification.objects.filter(recipient=operator).exists()


@pytest.fixture
def catalogue(db):
    from vyzov.monitoring import reference
    from vyzov.monitoring.models import Indicator

    reference.load_all()
    return {indicator.code: indicator for indicator in Indicator.objects.all()}


def test_quarterly_report_returned_and_accepted_notify_who_submitted(catalogue, specialist_perm, fed_analyst):
    report = monitoring_services.report_for(
        actor=specialist_perm, subject=subject("59"), as_of=Q4_2025, create=True
    )
    inputs = [value(catalogue, "children_in_institutions", 1200)]
    monitoring_services.report_save_and_submit(actor=specialist_perm, report=report, inputs=inputs)
    monitoring_services.report_return(actor=fed_analyst, report=report, comment="Проверьте итог")
    returned = only(specialist_perm)
    assert returned.kind == Kind.RETURN and "Проверьте итог" in returned.title
    assert returned.url == reverse("monitoring:report_edit", args=["59", Q4_2025.isoformat()])
    Notification.objects.all().delete()
    monitoring_services.report_submit(actor=specialist_perm, report=report)
    monitoring_services.report_accept(actor=fed_analyst, report=report)
    assert only(specialist_perm).kind == Kind.APPROVAL


def test_expert_assignment_and_returned_application_notify(fed_admin):
    contest = make_contest(fed_admin)
    chelyabinsk = centre("74")
    participant = participant_of(chelyabinsk)
    application = contest_services.application_create(
        actor=participant, contest=contest, municipality=chelyabinsk
    )
    contest_services.application_update(
        actor=participant, application=application, answers={contest.tasks.get().pk: "Ответ"}
    )
    contest_services.application_submit(actor=participant, application=application)
    contest_services.application_review(
        actor=fed_admin, application=application, accept=False, reason="Добавьте фотографии"
    )
    returned = only(participant)
    assert returned.kind == Kind.RETURN and "Добавьте фотографии" in returned.title
    assert returned.url == reverse("contests:application_detail", args=[application.pk])

    contest_services.application_submit(actor=participant, application=application)
    contest_services.application_review(actor=fed_admin, application=application, accept=True)
    expert = expert_from("63", "expert_samara")
    contest_services.expert_assign(actor=fed_admin, application=application, expert=expert)
    assigned = only(expert)
    assert assigned.kind == Kind.ASSIGNMENT and assigned.url == reverse(
        "contests:score", args=[application.pk]
    )
    second = expert_from("66", "expert_ekb")
    assert contest_services.experts_assign_automatically(actor=fed_admin, contest=contest) >= 1
    assert only(second).url == reverse("contests:score", args=[application.pk])


def test_case_transfer_notifies_the_new_specialist(db):
    barnaul, biysk = (
        service_in(centre("22"), "Служба Барнаул"),
        service_in(town("22", "Бийск"), "Служба Бийск"),
    )
    anna, anna_user = specialist_of(barnaul, "anna")
    boris, boris_user = specialist_of(biysk, "boris")
    case = open_case(anna_user, barnaul, anna)
    support_services.case_transfer(actor=anna_user, case=case, to_specialist=boris, reason="Переезд")
    notification = only(boris_user)
    assert notification.kind == Kind.ASSIGNMENT
    assert notification.url == reverse("support:case_detail", args=[case.pk])
    assert not Notification.objects.filter(recipient=anna_user).exists()
