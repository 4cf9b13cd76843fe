"""Writes to organisations: within the actor's scope, validated, audited."""

from __future__ import annotations

from django.db import transaction

from vyzov.accounts.access import Perm, require
from vyzov.accounts.models import User
from vyzov.core.inputs import given
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create, changed_fields, field_values, save_with_version

from .inputs import ORGANIZATION_FIELDS, OrganizationData
from .models import Organization


@transaction.atomic
def organization_create(*, actor: User, data: OrganizationData) -> Organization:
    organization = Organization(**given(data, ORGANIZATION_FIELDS))
    if organization.municipality is not None and not organization.subject_id:
        organization.subject = organization.municipality.subject
    require(actor, Perm.ORGANIZATIONS_MANAGE, organization)
    organization.created_by = actor
    organization.updated_by = actor
    organization.full_clean()
    organization.save()
    audit_entry_create(actor=actor, action=AuditAction.CREATE, target=organization)
    return organization


@transaction.atomic
def organization_update(
    *, actor: User, organization: Organization, data: OrganizationData, expected_version: int
) -> Organization:
    # The actor must be allowed both where the organisation is and where it is being moved to.
    require(actor, Perm.ORGANIZATIONS_MANAGE, organization)
    original = field_values(organization, ORGANIZATION_FIELDS)
    for name, value in given(data, ORGANIZATION_FIELDS).items():
        setattr(organization, name, value)
    require(actor, Perm.ORGANIZATIONS_MANAGE, organization)
    changes = changed_fields(organization, original)
    save_with_version(
        organization, actor=actor, expected_version=expected_version, fields=ORGANIZATION_FIELDS
    )
    audit_entry_create(
        actor=actor, action=AuditAction.UPDATE, target=organization, details={"changes": changes}
    )
    return organization
