"""The competition commission's decision that publishing needs, for tests that publish results."""

import datetime as dt

from vyzov.contests import services
from vyzov.contests.models import CommissionDecision, Contest, MemberRole


def decide(admin, contest: Contest, *, protocol: str = "1") -> CommissionDecision:
    """A chair is named and the commission approves the winners (the contest is in review)."""
    chair = services.commission_member_add(
        actor=admin,
        contest=contest,
        data={
            "full_name": "Председатель Комиссии",
            "position": "председатель",
            "member_role": MemberRole.CHAIR,
        },
    )
    return services.commission_decision_record(
        actor=admin,
        contest=Contest.objects.get(pk=contest.pk),
        approved_by=chair,
        protocol_number=protocol,
        date=dt.date(2026, 3, 1),
        members_present=1,
    )
