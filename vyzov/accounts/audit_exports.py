"""The audit log's XLSX export as a background job (core.exports): the rows under the requester's
filters and scope at the moment the worker runs (a curator: their region's rows)."""

from django.utils import timezone

from vyzov.core.exports import ExportPlan, params_querydict, register

from . import selectors
from .access import Perm, require_perm
from .forms import AuditFilterForm
from .models import User

AUDIT_EXPORT_LIMIT = 200_000


@register("audit", "Выгрузка журнала аудита")
def audit_plan(*, actor: User, params: dict) -> ExportPlan:
    require_perm(actor, Perm.AUDIT_VIEW)
    form = AuditFilterForm(params_querydict(params) or None, actor=actor)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entry_list(actor=actor, filters=filters)
    rows = (
        (
            timezone.localtime(entry.at),
            entry.actor_username,
            entry.get_action_display(),
            entry.object_type,
            entry.object_id,
            entry.object_repr,
            entry.subject.name if entry.subject else "",
            entry.ip or "",
        )
        for entry in entries[:AUDIT_EXPORT_LIMIT].iterator(chunk_size=2000)
    )
    return ExportPlan(
        filename=f"audit-{timezone.localdate():%Y-%m-%d}.xlsx",
        sheet_title="Журнал аудита",
        header=["Когда", "Пользователь", "Действие", "Тип объекта", "ID", "Объект", "Субъект РФ", "IP-адрес"],
        rows=rows,
        total=min(entries.count(), AUDIT_EXPORT_LIMIT),
        object_repr="Журнал аудита",
        filters=filters,
    )
