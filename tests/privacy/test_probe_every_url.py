"""The probe over the whole URL map: every page and API route that takes an object's number is asked,
by a curator of the Altai region, for an object of the Perm region and for a missing number — with
GET and with a bare POST (and PATCH/DELETE for API details). Both answers must be identical, never a
success, and nothing may be written. A route added later without an entry here fails the completeness
test, so the probe cannot silently fall behind the URL map."""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import centre, login, make_user, subject
from tests.privacy.test_personal_data_audit import response_text
from tests.privacy.test_probe import perm_objects  # noqa: F401  (the fixture: one object of each kind)
from vyzov.accounts.models import Grant, Role, ScopeLevel
from vyzov.alerts import services as alert_services
from vyzov.cases.models import FamilySocialStatus
from vyzov.consilium.models import AgendaItem, FamilyAgendaItem, FamilyReview, InteragencyDocument
from vyzov.contests.models import ApplicationFile, Award, ExpertAssignment
from vyzov.core.models import AuditEntry, ExportJob
from vyzov.dashboard.models import Notification
from vyzov.monitoring import reference as monitoring_reference
from vyzov.monitoring.models import DataSet, FigureImportJob, QuarterReport
from vyzov.practices.models import Practice, PracticeFile
from vyzov.programmes.models import (
    CuratorAssignment,
    CuratorTask,
    Direction,
    InstitutionPlan,
    Measure,
    Milestone,
    PersonalControlCase,
    ProgrammeIndicator,
    WorkingGroup,
    WorkingGroupDecision,
    WorkingGroupDocument,
    WorkingGroupMeeting,
)
from vyzov.support.models import MethodDocument, PlanStep, SupervisionFormat, SupervisionSession

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MISSING = 9_999_999


@pytest.fixture
def perm(perm_objects, fed_admin, home_perm, curator_perm):  # noqa: F811
    """The probe's objects of the Perm region and the rest of the kinds a route takes a number of."""
    o = dict(perm_objects)
    o["status"] = FamilySocialStatus.objects.create(
        family=o["family"], kind="large", start_date=TODAY, basis="Удостоверение"
    )
    o["agenda"] = AgendaItem.objects.get(meeting=o["meeting"], child=o["child"])
    o["family_agenda"] = FamilyAgendaItem.objects.create(
        meeting=o["meeting"], family=o["family"], reasons=["manual"]
    )
    o["family_review"] = FamilyReview.objects.create(
        meeting=o["meeting"],
        family=o["family"],
        risk="risk_remains",
        situation="Ситуация",
        measures="Меры",
        next_review_date=TODAY + dt.timedelta(days=30),
    )
    o["cons_document"] = InteragencyDocument.objects.create(
        consilium=o["consilium"], kind="algorithm", title="Алгоритм Пермь"
    )
    o["step"] = PlanStep.objects.create(
        case=o["family_case"],
        goal="Цель",
        action="Шаг",
        responsible=o["specialist"],
        due_date=TODAY,
    )
    o["document"] = MethodDocument.objects.create(
        title="Методичка Пермь", subject=subject("59"), file=ContentFile(b"x", name="m.pdf")
    )
    o["supervision"] = SupervisionSession.objects.create(
        service=o["service"],
        format=SupervisionFormat.objects.first() or SupervisionFormat.objects.create(title="Группа"),
        date=TODAY,
        supervisor="Супервизор",
        hours=2,
    )
    direction = Direction.objects.create(programme=o["programme"], number=1, title="Направление")
    o["indicator"] = ProgrammeIndicator.objects.create(
        direction=direction, name="Показатель", better="up", baseline=1
    )
    o["measure"] = Measure.objects.create(
        direction=direction, title="Мероприятие", responsible="Минсоц", deadline=TODAY
    )
    group = WorkingGroup.objects.create(subject=subject("59"), title="МРГ Пермь")
    o["wg_meeting"] = WorkingGroupMeeting.objects.create(group=group, date=TODAY, agenda="Повестка")
    o["decision"] = WorkingGroupDecision.objects.create(meeting=o["wg_meeting"], text="Решение")
    o["wg_document"] = WorkingGroupDocument.objects.create(
        group=group, kind="regulation", title="Положение о МРГ", file=ContentFile(b"%PDF", name="p.pdf")
    )
    assignment = CuratorAssignment.objects.create(subject=subject("59"), full_name="Куратор", since=TODAY)
    o["curator_assignment"] = assignment
    o["task"] = CuratorTask.objects.create(assignment=assignment, text="Задача")
    o["control"] = PersonalControlCase.objects.create(
        assignment=assignment, description="Пермякова Анна, 7 лет", reason="Причина", taken_on=TODAY
    )
    plan = InstitutionPlan.objects.create(organization=home_perm, subject=subject("59"))
    o["milestone"] = Milestone.objects.create(plan=plan, title="Этап", due_date=TODAY)
    monitoring_reference.load_all()  # the indicator catalogue the region pages read
    o["report"] = QuarterReport.objects.create(
        subject=subject("59"), as_of=dt.date(2025, 3, 31), data_set=DataSet.objects.get(pk=DataSet.main_id())
    )
    o["figure_job"] = FigureImportJob.objects.create(
        file="imports/f.xlsx", original_name="f.xlsx", created_by=curator_perm
    )
    o["notification"] = Notification.objects.create(
        recipient=curator_perm, kind="reminder", title="Напоминание", url="/"
    )
    o["export"] = ExportJob.objects.create(kind="children", created_by=curator_perm)
    o["grant"] = Grant.objects.get(user=curator_perm)
    o["file"] = ApplicationFile.objects.create(
        application=o["application"], file=ContentFile(b"x", name="a.pdf"), original_name="a.pdf", size=1
    )
    o["award"] = Award.objects.create(
        contest=o["contest"], application=o["application"], kind="winner", title="Победитель"
    )
    expert = make_user(
        "expert_probe", Role.CONTEST_EXPERT, level=ScopeLevel.COUNTRY, home_subject=subject("59")
    )
    o["assignment"] = ExpertAssignment.objects.create(application=o["application"], expert=expert)
    o["practice"] = Practice.objects.create(
        title="Практика Пермь", subject=subject("59"), description="Описание", year=2025
    )
    o["practice_file"] = PracticeFile.objects.create(
        practice=o["practice"], file=ContentFile(b"x", name="p.pdf"), original_name="p.pdf", size=1
    )
    o["alert"] = alert_services.alert_register(
        actor=curator_perm,
        municipality=centre("59"),
        family=o["family"],
        data={"received_on": TODAY, "source": "school", "content": "Савины не забирают ребёнка из школы"},
    )
    o["operator"] = o["fund"].operator
    o["municipality"] = centre("59")
    o["organization"] = home_perm
    o["subject_code"] = "59"
    return o


# Page routes by name: which object of the fixture each argument takes.
PAGES: dict[str, tuple[str, ...]] = {
    "dashboard:notification_open": ("notification",),
    "dashboard:notification_read": ("notification",),
    "core:export_detail": ("export",),
    "core:export_download": ("export",),
    "territories:organization_update": ("organization",),
    "accounts:user_detail": ("user",),
    "accounts:user_update": ("user",),
    "accounts:user_set_password": ("user",),
    "accounts:user_set_active": ("user",),
    "accounts:user_two_factor_reset": ("user",),
    "accounts:grant_create": ("user",),
    "accounts:grant_delete": ("grant",),
    "cases:child_detail": ("child",),
    "cases:child_update": ("child",),
    "cases:placement_create": ("child",),
    "cases:route_change": ("child",),
    "cases:placement_close": ("placement",),
    "cases:family_detail": ("family",),
    "cases:family_update": ("family",),
    "cases:family_member_add": ("family",),
    "cases:family_status_add": ("family",),
    "cases:family_member_remove": ("member",),
    "cases:family_status_close": ("status",),
    "cases:import_detail": ("job",),
    "cases:import_report": ("job",),
    "cases:import_accept_valid": ("job",),
    "monitoring:region": ("subject_code",),
    "monitoring:region_summary": ("subject_code",),
    "monitoring:report_submit": ("report",),
    "monitoring:report_accept": ("report",),
    "monitoring:report_return": ("report",),
    "monitoring:report_from_register": ("report",),
    "monitoring:report_history": ("report",),
    "monitoring:report_correct": ("report",),
    "monitoring:municipality_approve": ("report", "municipality"),
    "monitoring:figure_import_detail": ("figure_job",),
    "monitoring:figure_import_report": ("figure_job",),
    "consilium:consilium_detail": ("consilium",),
    "consilium:meeting_create": ("consilium",),
    "consilium:meeting_detail": ("meeting",),
    "consilium:agenda_add": ("meeting",),
    "consilium:agenda_family_add": ("meeting",),
    "consilium:family_review": ("meeting", "family"),
    "consilium:family_review_decide": ("meeting", "family"),
    "consilium:meeting_participants": ("meeting",),
    "consilium:meeting_close": ("meeting",),
    "consilium:meeting_protocol": ("meeting",),
    "consilium:protocol_upload": ("meeting",),
    "consilium:protocol_download": ("meeting",),
    "consilium:review": ("meeting", "child"),
    "consilium:review_answers_save": ("meeting", "child"),
    "consilium:review_decide": ("meeting", "child"),
    "consilium:agenda_remove": ("agenda",),
    "consilium:family_agenda_remove": ("family_agenda",),
    "consilium:action_item": ("item",),
    "consilium:action_item_update": ("item",),
    "consilium:report": ("subject_code",),
    "consilium:document_create": ("consilium",),
    "consilium:document_detail": ("cons_document",),
    "consilium:document_edit": ("cons_document",),
    "consilium:document_approve": ("cons_document",),
    "consilium:document_revise": ("cons_document",),
    "ngo_aid:request_detail": ("aid",),
    "ngo_aid:request_edit": ("aid",),
    "ngo_aid:request_withdraw": ("aid",),
    "ngo_aid:request_submit": ("aid",),
    "ngo_aid:request_approve": ("aid",),
    "ngo_aid:request_reject": ("aid",),
    "ngo_aid:request_return": ("aid",),
    "ngo_aid:payment_add": ("aid",),
    "ngo_aid:outcome_add": ("aid",),
    "ngo_aid:fund_detail": ("operator",),
    "ngo_aid:operator_appointment": ("operator",),
    "support:case_detail": ("family_case",),
    "alerts:alert_detail": ("alert",),
    "alerts:check_assign": ("alert",),
    "alerts:check_complete": ("alert",),
    "support:assessment_add": ("family_case",),
    "support:step_add": ("family_case",),
    "support:contact_add": ("family_case",),
    "support:review_set": ("family_case",),
    "support:case_transfer": ("family_case",),
    "support:case_close": ("family_case",),
    "support:case_reopen": ("family_case",),
    "support:step_done": ("step",),
    "support:service_detail": ("service",),
    "support:case_open": ("service",),
    "support:caseload": ("specialist",),
    "support:club_detail": ("club",),
    "support:club_leader_set": ("club",),
    "support:child_outcomes_record": ("family_case",),
    "support:service_structure_set": ("service",),
    "support:specialist_add": ("service",),
    "support:specialist_edit": ("specialist",),
    "programmes:programme_detail": ("programme",),
    "programmes:indicator_add": ("programme",),
    "programmes:measure_add": ("programme",),
    "programmes:actual_add": ("indicator",),
    "programmes:measure_status": ("measure",),
    "programmes:measure_evidence": ("measure",),
    "programmes:measure_evidence_download": ("measure",),
    "programmes:working_group": ("subject_code",),
    "programmes:working_group_meeting_add": ("subject_code",),
    "programmes:working_group_member_add": ("subject_code",),
    "programmes:decision_add": ("wg_meeting",),
    "programmes:meeting_minutes": ("wg_meeting",),
    "programmes:working_group_document_add": ("subject_code",),
    "programmes:working_group_document_status": ("wg_document",),
    "programmes:working_group_document_download": ("wg_document",),
    "programmes:curator": ("subject_code",),
    "programmes:curator_assign": ("subject_code",),
    "programmes:curator_report_add": ("subject_code",),
    "programmes:curator_visit_add": ("subject_code",),
    "programmes:curator_reception_add": ("subject_code",),
    "programmes:control_case_take": ("subject_code",),
    "programmes:control_case_close": ("control",),
    "programmes:publication_add": ("subject_code",),
    "programmes:strategic_session_add": ("subject_code",),
    "programmes:inspection_add": ("subject_code",),
    "programmes:institution_plan_save": ("subject_code",),
    "programmes:programme_form_set": ("programme",),
    "programmes:task_update": ("task",),
    "programmes:region_governance": ("subject_code",),
    "programmes:milestone_done": ("milestone",),
    "programmes:passport": ("subject_code",),
    "programmes:passport_docx": ("subject_code",),
    "contests:application_detail": ("application",),
    "contests:application_save": ("application",),
    "contests:application_submit": ("application",),
    "contests:practice_add": ("application",),
    "contests:file_add": ("application",),
    "contests:application_review": ("application",),
    "contests:category_change": ("application",),
    "contests:deadline_extend": ("application",),
    "contests:expert_assign": ("application",),
    "contests:expert_unassign": ("application",),
    "contests:rereview_request": ("application",),
    "contests:bonus_confirm": ("application",),
    "contests:publication_add": ("application",),
    "contests:score": ("application",),
    "contests:score_save": ("application",),
    "contests:score_submit": ("application",),
    "contests:jury_score": ("application",),
    "contests:file_download": ("file",),
    "contests:diploma": ("award",),
}

# Routes whose objects are not kept per region, or are open to every signed-in user by design.
NOT_REGIONAL = {
    "core:pick": "the kind of picker, not an object",
    "accounts:password_reset_confirm": "a signed one-time link, not a number",
    "territories:subject_detail": "the reference list of subjects is public to signed-in users",
    "territories:subject_municipalities": "the reference list of municipalities is public",
    "territories:municipality_detail": "the reference list of municipalities is public",
    "territories:organization_detail": "the resource map of organisations is public (no personal data)",
    "monitoring:report_edit": "takes a subject code and a date: covered by monitoring:region's code",
    "monitoring:report_edit_data_set": "as report_edit, with a data set code",
    "monitoring:indicator_edit": "federal set-up, by code",
    "monitoring:data_set_edit": "federal set-up, by code",
    "monitoring:rule_edit": "federal set-up, by code",
    "monitoring:outlier_review": "takes a figure: aggregated figures, scoped by monitoring.view (tested in monitoring)",
    "cases:cross_region_duplicate_resolve": "federal admins only (tests/privacy/test_duplicates.py)",
    "support:library_download": "the methodical library is shared by all services",
    "contests:contest_detail": "contests are federal",
    "contests:contest_advance": "contests are federal",
    "contests:contest_apply": "contests are federal; the application is the participant's own municipality's",
    "contests:experts_auto_assign": "contests are federal",
    "contests:contest_copy": "contests are federal",
    "contests:setup_add": "contests are federal",
    "contests:award_add": "contests are federal",
    "contests:application_list": "contests are federal; applications listed per visibility rule",
    "contests:ranking": "contests are federal",
    "contests:report": "contests are federal",
    "contests:verify": "a diploma check code, public by design",
    "contests:organisation": "contests are federal",
    "contests:organisation_add": "contests are federal",
    "contests:member_add": "contests are federal",
    "contests:decision_record": "contests are federal",
    "contests:regulation_upload": "contests are federal",
    "contests:event_add": "contests are federal",
    "contests:section_add": "contests are federal",
    "contests:regulation_download": "contests are federal (a draft contest's regulation is a 404 outside the federal team)",
    "practices:practice_detail": "the library of practices is public by design",
    "practices:file_download": "the library of practices is public by design",
}


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def page_routes_with_arguments() -> set[str]:
    return {
        name
        for name, pattern in _walk(get_resolver().url_patterns)
        if "<" in pattern and not pattern.startswith("api/")
    }


def test_every_page_route_with_an_argument_is_probed_or_says_why_not():
    routes = page_routes_with_arguments()
    assert routes - set(PAGES) - set(NOT_REGIONAL) == set()
    assert set(PAGES) | set(NOT_REGIONAL) <= routes  # no stale names


def _args(o, keys):
    values = []
    for key in keys:
        value = o[key]
        values.append(value if isinstance(value, str) else value.pk)
    return values


def _missing(keys):
    return ["00" if key == "subject_code" else MISSING for key in keys]


def _normalised(response, *numbers) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return f"<{len(body)} bytes>"
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    for number in numbers:  # a number echoed in a link of the page (e.g. the login «next»)
        text = re.sub(rf"/{number}/", "/N/", text)
    return text


def row_counts() -> dict[str, int]:
    skip = {"core.auditentry", "sessions.session", "axes.accessattempt", "axes.accesslog"}
    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label_lower not in skip and not m._meta.proxy
    }


def test_curator_of_another_region_gets_the_missing_answer_from_every_page_route(perm, curator_altai, client):
    login(client, curator_altai)
    before = row_counts()
    leaks = []
    for name, keys in PAGES.items():
        theirs_args, missing_args = _args(perm, keys), _missing(keys)
        theirs_url, missing_url = reverse(name, args=theirs_args), reverse(name, args=missing_args)
        for method in ("get", "post"):
            theirs = getattr(client, method)(theirs_url)
            missing = getattr(client, method)(missing_url)
            same = (theirs.status_code, _normalised(theirs, *theirs_args)) == (
                missing.status_code,
                _normalised(missing, *missing_args),
            )
            if not same or theirs.status_code < 400:
                leaks.append((name, method, theirs.status_code, missing.status_code))
    assert leaks == []
    assert row_counts() == before


def _distinguishable(client, o, name) -> bool:
    """Whether the object's own side gets another answer than a missing number (GET or POST)."""
    keys = PAGES[name]
    for method in ("get", "post"):
        mine = getattr(client, method)(reverse(name, args=_args(o, keys)))
        missing = getattr(client, method)(reverse(name, args=_missing(keys)))
        if mine.status_code != missing.status_code:
            return True
    return False


# Answer 404 to their own side too in this fixture: the file is not made yet, the expert is not assigned,
# the contest has no results. The probe above still asks them.
UNREACHED_HERE = {
    "core:export_download",
    "consilium:protocol_download",
    "programmes:measure_evidence_download",
    "contests:score",
    "contests:score_save",
    "contests:score_submit",
    "contests:jury_score",
    "contests:diploma",
}


def test_the_probe_is_not_vacuous_the_own_region_reaches_the_objects(perm, curator_perm, fed_admin, client):
    login(client, curator_perm)
    unreached = [name for name in PAGES if not _distinguishable(client, perm, name)]
    login(client, fed_admin)
    unreached = [name for name in unreached if not _distinguishable(client, perm, name)]
    assert set(unreached) == UNREACHED_HERE


# API routes by name (the router's basename and action): which object the number is.
API: dict[str, str] = {
    "child-detail": "child",
    "child-timeline": "child",
    "family-detail": "family",
    "placement-detail": "placement",
    "placement-close": "placement",
    "case-detail": "case",
    "case-route": "case",
    "consilium-detail": "consilium",
    "meeting-detail": "meeting",
    "review-detail": "review",
    "family-review-detail": "family_review",
    "consilium-document-detail": "cons_document",
    "action-item-detail": "item",
    "action-item-progress": "item",
    "aid-request-detail": "aid",
    "aid-request-payments": "aid",
    "aid-request-withdraw": "aid",
    "aid-operator-detail": "operator",
    "support-service-detail": "service",
    "support-specialist-detail": "specialist",
    "family-case-detail": "family_case",
    "alert-detail": "alert",
    "club-detail": "club",
    "supervision-detail": "supervision",
    "programme-detail": "programme",
    "programme-indicator-detail": "indicator",
    "programme-indicator-actuals": "indicator",
    "programme-measure-detail": "measure",
    "programme-curator-detail": "curator_assignment",
    "contest-application-detail": "application",
    "contest-assignment-detail": "assignment",
    "contest-assignment-scores": "assignment",
    "working-group-decision-detail": "decision",
}
API_NOT_REGIONAL = {
    "subject-detail": "the reference list of subjects",
    "municipality-detail": "the reference list of municipalities",
    "organization-detail": "the resource map of organisations (no personal data)",
    "contest-detail": "contests are federal",
    "contest-ranking": "contests are federal",
    "contest-organisation": "contests are federal",
    "practice-detail": "the library of practices is public by design",
    "library-document-detail": "the library's programme documents are public by design",
    "monitoring-indicator-detail": "federal set-up, by code",
    "monitoring-data-set-detail": "federal set-up, by code",
    "monitoring-rule-detail": "federal set-up, by code",
}


def api_routes_with_arguments() -> set[str]:
    return {
        name
        for name, pattern in _walk(get_resolver().url_patterns)
        if pattern.startswith("api/") and "(?P<" in pattern and "format" not in pattern
    }


def test_every_api_route_with_an_argument_is_probed_or_says_why_not():
    routes = api_routes_with_arguments()
    assert routes - set(API) - set(API_NOT_REGIONAL) == set()
    assert set(API) | set(API_NOT_REGIONAL) <= routes


def _api_answer(response, number) -> tuple[int, str]:
    return response.status_code, re.sub(rf"/{number}/", "/N/", response.content.decode())


def test_curator_of_another_region_gets_the_missing_answer_from_every_api_route(perm, curator_altai):
    perm["case"] = perm["child"].case
    api = APIClient()
    api.force_authenticate(curator_altai)
    before = row_counts()
    leaks = []
    for name, key in API.items():
        number = perm[key].pk
        theirs_url, missing_url = reverse(name, args=[number]), reverse(name, args=[MISSING])
        for method in ("get", "post", "put", "patch", "delete"):
            theirs = getattr(api, method)(theirs_url, {}, format="json")
            missing = getattr(api, method)(missing_url, {}, format="json")
            if _api_answer(theirs, number) != _api_answer(missing, MISSING) or theirs.status_code < 400:
                leaks.append((name, method, theirs.status_code, missing.status_code))
    assert leaks == []
    assert row_counts() == before


def test_the_api_probe_is_not_vacuous(perm, curator_perm, fed_admin):
    perm["case"] = perm["child"].case
    reached = set()
    for user in (curator_perm, fed_admin):
        api = APIClient()
        api.force_authenticate(user)
        for name, key in API.items():
            for method in ("get", "post"):
                mine = getattr(api, method)(reverse(name, args=[perm[key].pk]), {}, format="json")
                missing = getattr(api, method)(reverse(name, args=[MISSING]), {}, format="json")
                if mine.status_code != missing.status_code:
                    reached.add(name)
    # An expert reaches an assignment only once the contest is in review (tests in contests).
    assert set(API) - reached == {"contest-assignment-detail", "contest-assignment-scores"}


# ---- every response with personal data leaves exactly one audit row -------------------------------

# Personal data of the fixture: the child's surname, the family's title and its member.
PERSONAL = ("Пермякова", "Савин")
SIDE_EFFECTS = {"accounts:logout", "core:session_ping"}


def every_get_route(o) -> list[str]:
    urls = []
    for name, pattern in _walk(get_resolver().url_patterns):
        if name in SIDE_EFFECTS or "(?P<format>" in pattern or pattern.startswith(("static", "media")):
            continue
        if pattern.startswith("api/"):
            if "(?P<" not in pattern:
                urls.append(reverse(name))
            elif name in API:
                urls.append(reverse(name, args=[o[API[name]].pk]))
        elif "<" not in pattern:
            urls.append(reverse(name))
        elif name in PAGES:
            urls.append(reverse(name, args=_args(o, PAGES[name])))
    # Answers that name people only when asked: the search, the pickers, the lists searched by name.
    urls += [
        "/search/?q=Савин",
        "/search/?q=Пермякова",
        "/pick/families/?for=child_form&q=Савин",
        f"/pick/families/?for=support_case_open&q=Савин&service={o['service'].pk}",
        "/pick/children/?for=register&q=Пермяк",
        reverse("cases:child_list") + "?q=Пермякова",
        reverse("cases:family_list") + "?q=Савин",
        "/api/v1/children/?search=Пермякова",
    ]
    return urls


def test_every_route_answering_with_personal_data_writes_exactly_one_row(
    perm, curator_perm, fed_admin, client
):
    perm["case"] = perm["child"].case
    urls = every_get_route(perm)
    missing_rows, extra_rows, personal = [], [], []
    for user in (curator_perm, fed_admin):
        login(client, user)
        for url in urls:
            before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = client.get(url)
            if response.status_code != 200:
                continue
            text = response_text(response)
            rows = list(AuditEntry.objects.filter(pk__gt=before, details__has_key="kind"))
            if any(word in text for word in PERSONAL):
                personal.append(url)
                if len(rows) != 1:
                    missing_rows.append((user.username, url, len(rows)))
                elif response.headers.get("Cache-Control") != "no-store":
                    missing_rows.append((user.username, url, "cached"))
            elif rows:
                extra_rows.append((user.username, url, [r.details["kind"] for r in rows]))
    assert missing_rows == []
    assert extra_rows == []
    assert len(personal) > 20  # the walk reaches the personal-data pages


def test_roles_without_personal_data_find_no_name_and_no_exact_date_anywhere(
    perm, fed_analyst, analyst, client
):
    """The same walk for the federal analyst and the analyst: no name on any answer, no exact birth or
    placement date (dates to the month), and no personal-data row."""
    perm["case"] = perm["child"].case
    child, placement = perm["child"], perm["placement"]
    exact = set()
    for day in (child.birth_date, placement.start_date):
        exact |= {f"{day:%d.%m.%Y}", day.isoformat()}
    found = []
    for user in (fed_analyst, analyst):
        login(client, user)
        before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for url in every_get_route(perm):
            response = client.get(url)
            if response.status_code == 200:
                text = response_text(response)
                if url.startswith("/search/?q="):  # repeats what was typed; must answer as for nobody
                    typed = url.split("q=")[1]
                    text = _normalised(response).replace(typed, "…")
                    nobody = _normalised(client.get("/search/?q=Никтоев")).replace("Никтоев", "…")
                    if text != nobody:
                        found.append((user.username, url, "answers a name search"))
                found += [(user.username, url, w) for w in (*PERSONAL, *exact) if w in text]
        assert not AuditEntry.objects.filter(pk__gt=before, details__has_key="kind").exists()
    assert found == [], found
    # Not vacuous: the federal analyst reads the child's card, with the placement to the month.
    login(client, fed_analyst)
    card = client.get(reverse("cases:child_detail", args=[child.pk]))
    assert card.status_code == 200
    assert f"{placement.start_date:%m.%Y}" in card.content.decode()


def test_a_refused_form_that_shows_personal_data_again_writes_one_row(perm, curator_perm, client):
    """A form sent back with errors repeats the record it edits: the same rule as its first showing."""
    login(client, curator_perm)
    missing_rows, shown = [], []
    for name, keys in PAGES.items():
        before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.post(reverse(name, args=_args(perm, keys)))
        if response.status_code != 200:
            continue
        text = response_text(response)
        rows = AuditEntry.objects.filter(pk__gt=before, details__has_key="kind").count()
        if any(word in text for word in PERSONAL):
            shown.append(name)
            if rows != 1:
                missing_rows.append((name, rows))
    assert missing_rows == []
    assert {"cases:child_update", "cases:family_update"} <= set(shown)  # the walk reaches such forms
