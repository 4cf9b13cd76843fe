"""Every main work page, as the demo role that uses it, on a phone (390×844) and a laptop (1280×800): the page
never scrolls sideways (tables scroll inside their own box), axe-core finds no serious or critical
violation, and the browser logs no console error. Screenshots via `make screenshots`."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import centre, subject
from vyzov.accounts.models import User
from vyzov.cases.tests.factories import make_child, make_family, place
from vyzov.consilium import services as consilium_services
from vyzov.consilium.models import Level
from vyzov.monitoring import reference
from vyzov.support import services as support_services
from vyzov.support.models import Service, Specialist
from vyzov.territories.models import Organization

from .conftest import assert_accessible, console_errors, screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "laptop": (1280, 800)}


@pytest.fixture
def work(demo):
    """A little of everything the work pages show: children placed long ago with long names, a family,
    a planned consilium meeting with its agenda, a support case with a plan step."""
    reference.load_all()  # the monitoring indicators
    admin = User.objects.get(username="fed_admin")
    home = Organization.objects.filter(
        subject__code="22", kind="orphan_institution", municipality__is_regional_centre=True
    ).first()
    family = make_family(centre("22"), title="Семья Константинопольских-Нововоскресенских")
    children = []
    for n, name in enumerate(["Воскресенская-Преображенская", "Синицына", "Снегирёв"]):
        child = make_child(
            centre("22"),
            last_name=name,
            first_name="Ольга" if name.endswith("а") else "Олег",
            birth_date=dt.date(2013 + n, 5, 5),
        )
        place(child, home, start=timezone.localdate() - dt.timedelta(days=300 + n))
        children.append(child)
    consilium = consilium_services.consilium_create(
        actor=admin,
        data={
            "title": "Региональный консилиум Алтайского края",
            "level": Level.REGIONAL,
            "subject": subject("22"),
        },
    )
    meeting = consilium_services.meeting_create(actor=admin, consilium=consilium, date=timezone.localdate())
    user = User.objects.get(username="service_altai")
    service = Service.objects.create(organization=user.grants.get().organization)
    specialist = Specialist.objects.create(service=service, user=user, full_name=user.full_name)
    case = support_services.case_open(
        actor=user,
        service=service,
        family=family,
        specialist=specialist,
        data={
            "referral": "school",
            "reason": "Ребёнок пропускает школу, дома конфликт",
            "intake_date": timezone.localdate() - dt.timedelta(days=40),
            "children_count": 2,
        },
    )
    support_services.step_add(
        actor=user,
        case=case,
        data={
            "goal": "Безопасность ребёнка",
            "action": "Визит домой",
            "responsible": specialist,
            "due_date": timezone.localdate() - dt.timedelta(days=1),
        },
    )
    at_home = make_family(centre("22"), title="Семья Дальневосточных-Староверовых")
    consilium_services.agenda_family_add(actor=admin, meeting=meeting, family=at_home, reason="Сигнал школы")
    document = consilium_services.document_create(
        actor=admin,
        consilium=consilium,
        data={"kind": "ipr", "title": "Межведомственный план ИПР семьи", "family": at_home},
        steps=[{"agency": "Служба «Дети в семье»", "action": "Сопровождение семьи", "term": "3 месяца"}],
    )
    return {
        "child": children[0],
        "family": family,
        "meeting": meeting,
        "case": case,
        "at_home": at_home,
        "document": document,
    }


# role → pages (a callable of the `work` data gives the URL of a card)
PAGES = {
    "municipal_barnaul": [
        "/",
        "/register/children/",
        "/register/families/",
        lambda w: f"/register/children/{w['child'].pk}/",
        lambda w: f"/register/families/{w['family'].pk}/",
        "/consilium/",
        "/consilium/my-items/",
    ],
    "curator_altai": [
        "/",
        lambda w: f"/consilium/meetings/{w['meeting'].pk}/",
        lambda w: f"/consilium/meetings/{w['meeting'].pk}/?section=families",
        lambda w: f"/consilium/meetings/{w['meeting'].pk}/families/{w['at_home'].pk}/",
        "/consilium/documents/",
        lambda w: f"/consilium/documents/{w['document'].pk}/",
        lambda w: f"/consilium/documents/{w['document'].pk}/edit/",
        lambda w: f"/consilium/{w['meeting'].consilium_id}/documents/new/",
        "/territories/",
        "/monitoring/",
        "/programmes/regions/22/passport/",
        "/audit/",
    ],
    "service_altai": ["/", "/support/", lambda w: f"/support/cases/{w['case'].pk}/", "/territories/"],
    "staff_altai_home": ["/", "/register/children/", "/territories/"],
    "ngo_irkutsk": ["/", "/aid/", "/aid/new/"],
    "expert_samara": ["/", "/contests/"],
    "participant_chelyabinsk": ["/", "/contests/"],
    "fed_admin": ["/", "/accounts/users/", "/monitoring/", "/organizations/"],
    "analyst": ["/", "/monitoring/"],
}


@pytest.mark.parametrize("username", list(PAGES))
def test_work_pages_fit_phone_and_laptop_and_pass_axe(page, live_server, work, username):
    errors = console_errors(page)
    sign_in(page, live_server, username)
    for entry in PAGES[username]:
        path = entry(work) if callable(entry) else entry
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            scroll_width, inner_width = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert scroll_width <= inner_width, f"{path} scrolls sideways at {width} px ({scroll_width})"
            assert_accessible(page)
            name = path.strip("/").replace("/", "-") or "home"
            screenshot(page, f"layout-{size}-{username}-{name}")
    assert errors == []
