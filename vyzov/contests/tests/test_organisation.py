"""How a contest is run: organisers and partners and the analysis of the 2016/2017 reports loaded from
the seeds, the competition commission whose decision publishing needs, the regulation checked by its
content and served as a download, the events on the contest page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import centre, login, queries_for
from vyzov.contests import history, selectors, services
from vyzov.contests.models import (
    CommissionDecision,
    CommissionMember,
    Contest,
    ContestOrganisation,
    ContestRegulation,
    ContestStatus,
    MemberRole,
    ReportSection,
    SectionKind,
)
from vyzov.contests.tests.test_contests import (
    accepted_application,
    expert_from,
    make_contest,
    participant_of,
    score_all,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% regulation\n"


@pytest.fixture
def history_loaded(db):
    history.load_history()
    return {c.year: c for c in Contest.objects.filter(is_history=True)}


@pytest.fixture
def contest_in_review(fed_admin):
    """A contest with one accepted, fully scored application, its intake closed: the commission's turn."""
    contest = make_contest(fed_admin, experts_per_application=1)
    application = accepted_application(fed_admin, contest, centre("22"))
    expert = expert_from("63", "expert_from_samara")
    services.experts_assign_automatically(actor=fed_admin, contest=contest)
    score_all(expert, application, 4)
    return services.contest_advance(actor=fed_admin, contest=contest, close_early=True)


def chair_of(admin, contest, name="Председатель Комиссии"):
    return services.commission_member_add(
        actor=admin,
        contest=contest,
        data={"full_name": name, "position": "председатель правления", "member_role": MemberRole.CHAIR},
    )


# ---- the 2016 and 2017 contests from the reports --------------------------------------------------


def test_the_reports_organisers_and_partners_are_loaded_with_their_words(history_loaded):
    organisers_2016 = set(
        ContestOrganisation.objects.filter(
            contest=history_loaded[2016], organisation_role="organiser"
        ).values_list("name", flat=True)
    )
    assert organisers_2016 == {
        "Фонд поддержки детей, находящихся в трудной жизненной ситуации",
        "Ассоциация малых и средних городов России",
    }
    partners_2016 = set(
        ContestOrganisation.objects.filter(
            contest=history_loaded[2016], organisation_role="partner"
        ).values_list("name", flat=True)
    )
    assert "благотворительный фонд «Абсолют-помощь»" in partners_2016
    support_2017 = ContestOrganisation.objects.get(contest=history_loaded[2017], organisation_role="support")
    assert support_2017.name == "Минтруд России"
    assert "при содействии Минтруда России" in support_2017.basis
    assert "000_" not in ContestOrganisation.objects.first().source  # the document's title, not its file name


def test_the_analysis_has_six_areas_needing_attention_in_2016_and_seven_growth_points_in_2017(history_loaded):
    def count(year, kind):
        return ReportSection.objects.filter(contest=history_loaded[year], section_kind=kind).count()

    assert count(2016, SectionKind.ATTENTION) == 6
    assert count(2017, SectionKind.GROWTH) == 7
    assert count(2017, SectionKind.CONCLUSION) == 5
    assert count(2016, SectionKind.TREND) == 2
    assert count(2016, SectionKind.CONCLUSION) == 0  # the 2016 report draws no general conclusions
    volunteers = ReportSection.objects.get(contest=history_loaded[2016], section_kind="attention", number=5)
    assert volunteers.title == "Развитие волонтерского движения"
    assert volunteers.text.startswith("Развивая волонтерское движение")


def test_history_details_load_once(history_loaded):
    before = ReportSection.objects.count()
    assert history.load_history_details() == 0
    assert ReportSection.objects.count() == before


def test_analyst_reads_the_growth_points_on_the_2017_results_report(client, fed_analyst, history_loaded):
    login(client, fed_analyst)
    page = client.get(reverse("contests:report", args=[history_loaded[2017].pk])).content.decode()
    assert "Точки роста" in page
    assert "Дальнейшее внедрение примирительных и восстановительных технологий" in page
    assert "Выводы" in page


def test_the_meetings_and_the_exhibition_forum_are_on_the_contest_page(client, fed_analyst, history_loaded):
    login(client, fed_analyst)
    page_2017 = client.get(
        reverse("contests:contest_detail", args=[history_loaded[2017].pk])
    ).content.decode()
    assert "Выставка-форум «Вместе ради детей!»" in page_2017
    assert "Мурманск" in page_2017 and "Феодосия" in page_2017
    page_2016 = client.get(
        reverse("contests:contest_detail", args=[history_loaded[2016].pk])
    ).content.decode()
    assert "г. Архангельск" in page_2016
    assert "Ежегодные Всероссийские встречи участников конкурсов городов России" in page_2016


def test_the_organisation_page_says_what_the_reports_do_not_give(client, fed_analyst, history_loaded):
    login(client, fed_analyst)
    page = client.get(reverse("contests:organisation", args=[history_loaded[2016].pk])).content.decode()
    assert "конкурсная комиссия определила победителей" in page
    assert "в материалах программы не приводится" in page
    assert "Ассоциация малых и средних городов России" in page


def test_the_2017_bonus_items_carry_their_basis(history_loaded):
    items = list(history_loaded[2017].bonus_items.all())
    assert items and all("Семья и город" in item.basis or "2017" in item.basis for item in items)


# ---- the commission decides the winners ---------------------------------------------------------


def test_results_are_not_published_without_the_commissions_decision(fed_admin, contest_in_review):
    with pytest.raises(ValidationError, match="по решению конкурсной комиссии"):
        services.contest_advance(actor=fed_admin, contest=contest_in_review)
    assert Contest.objects.get(pk=contest_in_review.pk).status == ContestStatus.REVIEW


def test_the_chair_approves_the_winners_and_then_results_are_published(fed_admin, contest_in_review):
    chair = chair_of(fed_admin, contest_in_review)
    services.commission_member_add(
        actor=fed_admin,
        contest=contest_in_review,
        data={
            "full_name": "Секретарь Комиссии",
            "position": "специалист",
            "member_role": MemberRole.SECRETARY,
        },
    )
    decision = services.commission_decision_record(
        actor=fed_admin,
        contest=contest_in_review,
        approved_by=chair,
        protocol_number="7",
        date=dt.date(2026, 2, 20),
        members_present=2,
    )
    assert str(decision) == "Протокол № 7 от 20.02.2026"
    published = services.contest_advance(
        actor=fed_admin, contest=Contest.objects.get(pk=contest_in_review.pk)
    )
    assert published.status == ContestStatus.PUBLISHED
    with pytest.raises(ValidationError, match="состав не меняется"):
        chair_of(fed_admin, published, name="Другой Председатель")


def test_a_member_who_is_not_the_chair_cannot_approve_the_winners(fed_admin, contest_in_review):
    member = services.commission_member_add(
        actor=fed_admin,
        contest=contest_in_review,
        data={"full_name": "Член Комиссии", "position": "эксперт", "member_role": MemberRole.MEMBER},
    )
    with pytest.raises(ValidationError, match="утверждает председатель"):
        services.commission_decision_record(
            actor=fed_admin,
            contest=contest_in_review,
            approved_by=member,
            protocol_number="1",
            date=dt.date(2026, 2, 20),
            members_present=1,
        )
    assert not CommissionDecision.objects.exists()


def test_a_second_chair_is_refused(fed_admin, contest_in_review):
    chair_of(fed_admin, contest_in_review)
    with pytest.raises(ValidationError, match="Председатель комиссии уже назначен"):
        chair_of(fed_admin, contest_in_review, name="Второй Председатель")


def test_the_commission_does_not_decide_while_applications_are_taken(fed_admin):
    contest = make_contest(fed_admin)
    chair = chair_of(fed_admin, contest)
    with pytest.raises(ValidationError, match="после экспертизы"):
        services.commission_decision_record(
            actor=fed_admin,
            contest=contest,
            approved_by=chair,
            protocol_number="1",
            date=dt.date(2026, 2, 20),
            members_present=1,
        )


def test_federal_admin_records_the_decision_on_the_page_and_a_bad_date_keeps_what_was_typed(
    client, fed_admin, contest_in_review
):
    chair = chair_of(fed_admin, contest_in_review)
    login(client, fed_admin)
    url = reverse("contests:decision_record", args=[contest_in_review.pk])
    refused = client.post(
        url,
        {
            "decision-protocol_number": "12-к",
            "decision-date": "31.02.2026",
            "decision-approved_by": chair.pk,
            "decision-members_present": "1",
        },
    )
    assert refused.status_code == 400
    assert "12-к" in refused.content.decode()
    assert not CommissionDecision.objects.exists()
    done = client.post(
        url,
        {
            "decision-protocol_number": "12-к",
            "decision-date": "20.02.2026",
            "decision-approved_by": chair.pk,
            "decision-members_present": "1",
        },
    )
    assert done.status_code == 302
    assert CommissionDecision.objects.get().protocol_number == "12-к"


def test_a_chair_of_another_contest_is_not_a_choice(client, fed_admin, contest_in_review):
    other = make_contest(fed_admin)
    foreign_chair = chair_of(fed_admin, other, name="Чужой Председатель")
    chair_of(fed_admin, contest_in_review)
    login(client, fed_admin)
    response = client.post(
        reverse("contests:decision_record", args=[contest_in_review.pk]),
        {
            "decision-protocol_number": "1",
            "decision-date": "20.02.2026",
            "decision-approved_by": foreign_chair.pk,
            "decision-members_present": "1",
        },
    )
    assert response.status_code == 400
    assert "Выберите председателя комиссии этого конкурса" in response.content.decode()
    assert not CommissionDecision.objects.exists()


def test_participant_of_barnaul_cannot_add_a_commission_member(client, fed_admin):
    contest = make_contest(fed_admin)
    participant = participant_of(centre("22"), "participant_barnaul")
    login(client, participant)
    response = client.post(
        reverse("contests:member_add", args=[contest.pk]),
        {"member-full_name": "Самозванец", "member-position": "никто", "member-member_role": "chair"},
    )
    assert response.status_code == 403
    assert not CommissionMember.objects.exists()


def test_the_history_contest_is_not_changed_from_the_page(client, fed_admin, history_loaded):
    login(client, fed_admin)
    response = client.post(
        reverse("contests:organisation_add", args=[history_loaded[2016].pk]),
        {"organisation-name": "Новый партнёр", "organisation-organisation_role": "partner"},
    )
    assert response.status_code == 400
    assert not ContestOrganisation.objects.filter(name="Новый партнёр").exists()


# ---- the regulation -----------------------------------------------------------------------------


def test_the_regulation_is_checked_by_content_and_served_as_a_download(client, fed_admin):
    contest = make_contest(fed_admin)
    fake = SimpleUploadedFile("polozhenie.pdf", b"MZ not a pdf at all")
    with pytest.raises(ValidationError, match="Содержимое файла не соответствует"):
        services.regulation_upload(actor=fed_admin, contest=contest, uploaded=fake)
    regulation = services.regulation_upload(
        actor=fed_admin, contest=contest, uploaded=SimpleUploadedFile("Положение.pdf", PDF)
    )
    participant = participant_of(centre("22"), "participant_barnaul")
    login(client, participant)  # the contest takes applications: its participants read the regulation
    response = client.get(reverse("contests:regulation_download", args=[regulation.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_a_draft_contests_regulation_is_a_404_for_a_participant_like_a_missing_one(client, fed_admin):
    draft = services.contest_create(
        actor=fed_admin,
        data={"year": 2027, "title": "В подготовке", "submission_deadline": dt.date(2027, 12, 1)},
    )
    regulation = services.regulation_upload(
        actor=fed_admin, contest=draft, uploaded=SimpleUploadedFile("Положение.pdf", PDF)
    )
    login(client, participant_of(centre("22"), "participant_barnaul"))
    assert client.get(reverse("contests:regulation_download", args=[regulation.pk])).status_code == 404
    assert client.get(reverse("contests:regulation_download", args=[9_999_999])).status_code == 404
    login(client, fed_admin)
    assert client.get(reverse("contests:regulation_download", args=[regulation.pk])).status_code == 200


def test_federal_admin_uploads_the_regulation_on_the_page(client, fed_admin):
    contest = make_contest(fed_admin)
    login(client, fed_admin)
    response = client.post(
        reverse("contests:regulation_upload", args=[contest.pk]),
        {"regulation-title": "", "regulation-file": SimpleUploadedFile("pol.docx", b"PK\x03\x04rest")},
    )
    assert response.status_code == 302
    assert ContestRegulation.objects.get(contest=contest).title == "Положение о Конкурсе"
    page = client.get(reverse("contests:organisation", args=[contest.pk])).content.decode()
    assert "pol.docx" in page


# ---- events and sections entered for a new contest ------------------------------------------------


def test_an_event_and_a_growth_point_added_for_a_new_contest_show_up(client, fed_admin):
    contest = make_contest(fed_admin)
    services.event_add(
        actor=fed_admin,
        contest=contest,
        data={
            "event_kind": "forum",
            "title": "Выставка-форум «Вместе ради детей»",
            "date": dt.date(2026, 10, 1),
            "place": "г. Калуга",
        },
    )
    services.report_section_add(
        actor=fed_admin,
        contest=contest,
        data={"section_kind": "growth", "title": "Наставничество", "text": ""},
    )
    second = services.report_section_add(
        actor=fed_admin, contest=contest, data={"section_kind": "growth", "title": "Волонтёры", "text": ""}
    )
    assert second.number == 2
    assert [label for label, _items in selectors.report_sections(contest=contest)] == ["точки роста"]
    login(client, fed_admin)
    assert "г. Калуга" in client.get(reverse("contests:contest_detail", args=[contest.pk])).content.decode()


def test_the_organisation_page_costs_the_same_queries_for_a_larger_commission(client, fed_admin):
    contest = make_contest(fed_admin)
    url = reverse("contests:organisation", args=[contest.pk])

    def grow(number):
        services.commission_member_add(
            actor=fed_admin,
            contest=contest,
            data={"full_name": f"Член {number}", "position": "эксперт", "member_role": MemberRole.MEMBER},
        )
        services.event_add(
            actor=fed_admin, contest=contest, data={"event_kind": "meeting", "title": f"Встреча {number}"}
        )
        services.organisation_add(
            actor=fed_admin,
            contest=contest,
            data={"name": f"Партнёр {number}", "organisation_role": "partner"},
        )

    login(client, fed_admin)
    grow(1)
    before = queries_for(client, url)
    for number in range(2, 6):
        grow(number)
    assert queries_for(client, url) == before
