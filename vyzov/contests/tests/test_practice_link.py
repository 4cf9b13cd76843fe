"""Contests own the link between an application's practice and the library record made from it: the
library (vyzov.practices) knows nothing of contests, and the migration kept every existing link."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import centre
from vyzov.contests import services
from vyzov.contests.models import ApplicationPractice, Criterion
from vyzov.contests.tests.test_contests import make_contest
from vyzov.practices.models import Practice, Theme
from vyzov.practices.services import load_themes


def _accepted_application(fed_admin, participant, *, titles):
    contest = make_contest(fed_admin)
    application = services.application_create(actor=participant, contest=contest, municipality=centre("74"))
    criterion = Criterion.objects.filter(
        criteria_set__contest=contest, criteria_set__settlement_type="city"
    ).first()
    for title in titles:
        services.practice_add(
            actor=participant,
            application=application,
            criterion=criterion,
            data={"title": title, "description": "Отцы и дети вместе", "results": "сорок семей"},
        )
    services.application_update(
        actor=participant, application=application, answers={contest.tasks.get().pk: "Ответ"}
    )
    services.application_submit(actor=participant, application=application)
    services.application_review(actor=fed_admin, application=application, accept=True)
    return application


def test_accepting_links_each_practice_to_its_library_record_once(fed_admin, participant_chelyabinsk):
    load_themes()
    application = _accepted_application(
        fed_admin, participant_chelyabinsk, titles=["Клуб отцов", "Семейная гостиная"]
    )
    items = list(application.practices.select_related("published"))
    assert {item.published.title for item in items} == {"Клуб отцов", "Семейная гостиная"}
    assert all(item.published.subject.code == "74" for item in items)
    assert all(item.published.source_note.startswith("Заявка на конкурс") for item in items)
    # A second publication (e.g. when a blind contest publishes its results) adds nothing.
    assert services._practices_publish(fed_admin, application) == []
    assert Practice.objects.count() == 2


def test_a_deleted_library_record_frees_the_link_and_keeps_the_application(
    fed_admin, participant_chelyabinsk
):
    application = _accepted_application(fed_admin, participant_chelyabinsk, titles=["Клуб отцов"])
    Practice.objects.get().delete()
    item = ApplicationPractice.objects.get(application=application)
    assert item.published is None and item.title == "Клуб отцов"


@pytest.mark.django_db(transaction=True)
def test_migration_moves_the_link_to_contests_keeping_it(fed_admin, participant_chelyabinsk):
    load_themes()
    application = _accepted_application(fed_admin, participant_chelyabinsk, titles=["Клуб отцов"])
    item = ApplicationPractice.objects.get(application=application)
    practice_id = item.published_id
    before = [("contests", "0003_text_and_date_validators"), ("practices", "0003_text_and_date_validators")]
    after = [
        ("contests", "0004_practice_link_owned_by_contests"),
        ("practices", "0004_practice_link_moves_to_contests"),
    ]

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)  # back: the link returns to practices.Practice.source_practice
        executor.loader.build_graph()
        old = executor.loader.project_state(before).apps
        assert (
            old.get_model("practices", "Practice").objects.get(pk=practice_id).source_practice_id == item.pk
        )

        executor = MigrationExecutor(connection)
        executor.migrate(after)  # forward: copied onto the contests side, then removed from practices
        assert ApplicationPractice.objects.get(pk=item.pk).published_id == practice_id
        assert Theme.objects.exists()
    finally:
        # Later tests on this worker use the same database: leave it at the latest migrations.
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
