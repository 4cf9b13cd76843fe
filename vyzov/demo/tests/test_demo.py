"""`make run` loads the demo twice without duplicating anything, and refuses production."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from vyzov.accounts.models import Grant, Role, User
from vyzov.alerts.models import Alert
from vyzov.alerts.selectors import overdue_q
from vyzov.cases.models import Family
from vyzov.contests.models import Contest, ReportSection
from vyzov.ngo_aid.models import Operator
from vyzov.practices.models import LibraryDocument
from vyzov.programmes import selectors as programme_selectors
from vyzov.programmes.models import CuratorAssignment, WorkingGroup, WorkingGroupDocument
from vyzov.territories.models import FederalDistrict, Municipality, Organization, Subject

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_demo_loads_every_role_and_is_idempotent():
    call_command("load_demo")
    counts = [
        User.objects.count(),
        Grant.objects.count(),
        Organization.objects.count(),
        Municipality.objects.count(),
        Alert.objects.count(),
    ]
    call_command("load_demo")
    assert [
        User.objects.count(),
        Grant.objects.count(),
        Organization.objects.count(),
        Municipality.objects.count(),
        Alert.objects.count(),
    ] == counts
    # Signals in each state of the check, one overdue, one that put its family on the СОП record.
    assert set(Alert.objects.values_list("status", flat=True)) == {"registered", "checking", "closed"}
    assert Alert.objects.filter(overdue_q(timezone.localdate())).count() == 1
    assert Alert.objects.filter(outcome="sop", family__statuses__kind="sop").exists()
    # Each pilot region's МРГ register holds its approved programme.
    assert WorkingGroupDocument.objects.filter(kind="programme", status="approved").count() == 14
    # The Altai curator's field work and its results; the МРГ checklist shows what is missing there.
    altai = CuratorAssignment.objects.get(subject__code="22")
    assert altai.visits.exists() and altai.receptions.exists() and altai.control_cases.exists()
    results = programme_selectors.field_work_results(assignment=altai)
    assert results.placed >= 1 and results.control_open >= 1
    checks = programme_selectors.working_group_checklist(
        subject=altai.subject, group=WorkingGroup.objects.get(subject=altai.subject)
    )
    assert [check.ok for check in checks] == [True, True, False]
    # 004's roles of the Krasnoyarsk operator; large families marked in the register.
    assert Operator.objects.get(subject__code="24").role_resource_ngo
    assert Family.objects.filter(is_large=True).exists()
    # Contests: the 2026 contest's commission and organiser and the helpline's bonus item (003); the
    # reports' growth points; the brochure's documents in the library.
    contest = Contest.objects.get(is_history=False)
    assert contest.commission.filter(member_role="chair").count() == 1
    assert contest.organisations.filter(organisation_role="organiser").exists()
    assert contest.bonus_items.filter(title__contains="8-800-2000-122").exists()
    assert ReportSection.objects.filter(contest__year=2017, section_kind="growth").count() == 7
    assert LibraryDocument.objects.filter(title__startswith="Типовой сценарий").exists()
    assert set(Grant.objects.values_list("role", flat=True)) == set(Role.values)
    assert FederalDistrict.objects.count() == 8
    assert Subject.objects.count() == 89 and Subject.objects.filter(is_pilot=True).count() == 14


@override_settings(DEBUG=False)
def test_demo_refuses_production():
    with pytest.raises(CommandError, match="не загружаются"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_every_pilot_region_has_its_ngo_operator_from_the_seed():
    from vyzov.demo import territories as demo

    demo.load()
    assert Organization.objects.filter(kind="ngo").count() == 14
    assert Organization.objects.filter(name__contains="Добрые сердца.56", subject__code="56").exists()


@override_settings(DEBUG=True)
def test_demo_refuses_a_database_with_real_users_even_with_force(django_user_model):
    django_user_model.objects.create_user(username="ivanova", email="ivanova@minsoc.ru", password="x" * 14)
    with pytest.raises(CommandError, match="пользователей: 1"):
        call_command("load_demo", force=True, register_scale=0)
    assert User.objects.count() == 1 and not Organization.objects.filter(kind="ngo").exists()


@override_settings(DEBUG=False)
def test_demo_refuses_a_production_database_with_a_real_child_even_with_force():
    from vyzov.cases.models import Child

    Child.objects.create(
        subject=Subject.objects.get(code="22"),
        municipality=Municipality.objects.filter(subject__code="22").first(),
        last_name="Петров",
        first_name="Пётр",
        birth_date="2015-01-01",
    )
    with pytest.raises(CommandError, match="детей: 1"):
        call_command("load_demo", force=True, register_scale=0)
    assert not User.objects.exists()


def test_force_loads_the_demo_into_an_empty_production_database(capsys):
    out = io.StringIO()
    console_mail = "django.core.mail.backends.console.EmailBackend"
    with override_settings(DEBUG=False, EMAIL_BACKEND=console_mail):
        call_command("load_demo", force=True, register_scale=0, stdout=out)
        assert User.objects.filter(username="fed_admin").exists()
        # Honest about time: an estimate first, then each step with its duration as it finishes.
        printed = out.getvalue()
        assert "обычно около полуминуты" in printed and "несколько секунд" not in printed
        assert re.search(r"конкурсы… \d+ с \(всего \d+ с\)", printed)
        assert re.search(r"Демо-данные загружены за \d+ с", printed)
        # The demo's notifications send no letters between the progress lines.
        assert "Content-Type" not in capsys.readouterr().out
        # The demo itself is not "real data": loading again is allowed and changes nothing.
        users = User.objects.count()
        call_command("load_demo", force=True, register_scale=0)
    assert User.objects.count() == users


def test_demo_contest_numbers_follow_the_series_of_the_reports():
    from vyzov.demo.contests import contest_number

    assert [contest_number(year) for year in (2016, 2017, 2019, 2026)] == ["VII", "VIII", "X", "XVII"]
