import { auditAction, fieldChanges } from "../../capabilities/audit/audit.service";
import { type ChangeStep, changeSet, step } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { ConcurrentModificationError, DuplicateError } from "../../platform/errors";
import { memberIdFor, newId } from "../../platform/ids";
import type { Identity, TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import { OrganisationEntity } from "../organisation/organisation.entity";
import { loadOrganisation, type OrganisationItem, toOrganisation } from "../organisation/organisation.queries";
import type { CreateOrganisationInput, Organisation } from "../organisation/organisation.schema";
import { newOrganisationSteps } from "../organisation/organisation.service";
import { MemberEntity } from "./member.entity";
import { LastAdminError } from "./member.errors";
import { forgetMembership, loadMember, type MemberItem, toMember } from "./member.queries";
import type { AddMemberInput, Member, UpdateMemberInput } from "./member.schema";

/** The fields of a membership that the audit history tracks. */
const auditedFields = ["email", "name", "role"] as const;

/**
 * Founds an organisation, in one transaction: the organisation with a default sales pipeline, and the caller as its
 * first admin. Here rather than in the organisation module because the founder is a membership, and memberships
 * refer to their organisation, not the other way round.
 */
export async function createOrganisation(
  identity: Identity,
  input: CreateOrganisationInput,
  requestId: string,
): Promise<Organisation> {
  const orgId = newId("organisation");
  const at = now();
  const founder: MemberItem = {
    orgId,
    memberId: memberIdFor(orgId, identity.email),
    email: identity.email,
    name: identity.name,
    role: "admin",
    orgName: input.name,
    addedBy: identity.email,
    createdAt: at,
    updatedAt: at,
  };
  const context: TenantContext = {
    orgId,
    actor: { ...identity, memberId: founder.memberId, role: "admin" },
    requestId,
  };
  const organisation: OrganisationItem = {
    orgId,
    name: input.name,
    adminCount: 1,
    createdBy: identity.email,
    createdAt: at,
    updatedAt: at,
  };
  // A fresh random id cannot collide; a cancellation here is a conflict worth retrying.
  await changeSet()
    .addAll(newOrganisationSteps(organisation, founder.memberId))
    .add("founder", inTransaction(MemberEntity).create(founder).commit())
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "member",
        recordId: founder.memberId,
        action: "created",
        changes: fieldChanges(null, founder, auditedFields),
      }),
    )
    .commit(() => new ConcurrentModificationError("organisation", orgId));
  return toOrganisation(organisation);
}

export async function addMember(context: TenantContext, input: AddMemberInput): Promise<Member> {
  const organisation = await loadOrganisation(context.orgId);
  const at = now();
  const member: MemberItem = {
    orgId: context.orgId,
    memberId: memberIdFor(context.orgId, input.email),
    email: input.email,
    name: input.name,
    role: input.role,
    orgName: organisation.name,
    addedBy: context.actor.email,
    createdAt: at,
    updatedAt: at,
  };
  await changeSet()
    .add(
      "member",
      inTransaction(MemberEntity).create(member).commit(),
      () => new DuplicateError("email", input.email, { type: "member", id: member.memberId }),
    )
    .addAll(adminCountSteps(context.orgId, adminDelta(null, input.role), at))
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "member",
        recordId: member.memberId,
        action: "created",
        changes: fieldChanges(null, member, auditedFields),
      }),
    )
    .commit(() => new ConcurrentModificationError("organisation", context.orgId));
  return toMember(member);
}

/** How a role change moves the organisation's admin count. */
function adminDelta(from: MemberItem["role"] | null, to: MemberItem["role"] | null): number {
  const wasAdmin = from === "admin";
  const isAdmin = to === "admin";
  return wasAdmin === isAdmin ? 0 : isAdmin ? 1 : -1;
}

export async function updateMember(
  context: TenantContext,
  memberId: string,
  input: UpdateMemberInput,
): Promise<Member> {
  const current = await loadMember(context, memberId);
  const at = now();
  const role = input.role ?? current.role;
  const delta = adminDelta(current.role, role);
  const updated = { ...current, role, name: input.name === null ? undefined : (input.name ?? current.name) };
  await changeSet()
    .add(
      "member",
      inTransaction(MemberEntity)
        .patch({ orgId: context.orgId, memberId })
        .set({ role, updatedAt: at, ...(input.name ? { name: input.name } : {}) })
        .remove(input.name === null ? ["name"] : [])
        .where((attributes, { eq }) => eq(attributes.role, current.role))
        .commit(),
    )
    .addAll(adminCountSteps(context.orgId, delta, at))
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "member",
        recordId: memberId,
        action: "updated",
        changes: fieldChanges(current, updated, auditedFields),
      }),
    )
    // The member changed or vanished since we read it.
    .commit(() => new ConcurrentModificationError("member", memberId));
  forgetMembership(context.orgId, memberId);
  return toMember({ ...updated, updatedAt: at });
}

export async function removeMember(context: TenantContext, memberId: string): Promise<void> {
  const current = await loadMember(context, memberId);
  const delta = adminDelta(current.role, null);
  const at = now();
  await changeSet()
    .add(
      "member",
      inTransaction(MemberEntity)
        .delete({ orgId: context.orgId, memberId })
        .where((attributes, { eq }) => eq(attributes.role, current.role))
        .commit(),
    )
    .addAll(adminCountSteps(context.orgId, delta, at))
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "member",
        recordId: memberId,
        action: "deleted",
        changes: fieldChanges(current, null, auditedFields),
      }),
    )
    // The member changed or vanished since we read it.
    .commit(() => new ConcurrentModificationError("member", memberId));
  forgetMembership(context.orgId, memberId);
}

/**
 * The change to the organisation's admin count. Losing an admin is conditional on another admin remaining, so
 * concurrent demotions cannot empty the organisation: its refusal is the last-admin error.
 */
function adminCountSteps(orgId: string, delta: number, at: string): ChangeStep[] {
  if (delta === 0) return [];
  const patch = inTransaction(OrganisationEntity).patch({ orgId }).add({ adminCount: delta }).set({ updatedAt: at });
  if (delta > 0) return [step("admin count", patch.commit())];
  const keepingAnAdmin = patch.where((attributes, { gt }) => gt(attributes.adminCount, 1)).commit();
  return [step("admin count", keepingAnAdmin, () => new LastAdminError())];
}
