import type { EntityItem } from "electrodb";
import { auditAction, fieldChanges } from "../../capabilities/audit/audit.service";
import { now } from "../../platform/clock";
import { queryFingerprint } from "../../platform/cursor";
import { ConcurrentModificationError, DuplicateError, NotFoundError } from "../../platform/errors";
import { memberIdFor } from "../../platform/ids";
import { readPage } from "../../platform/paging";
import type { Actor, Identity, TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { type CancellationReason, conflicted, failedCondition, writeTransaction } from "../../platform/transactions";
import { OrganisationEntity } from "../organisation/organisation.entity";
import { MemberEntity } from "./member.entity";
import { LastAdminError } from "./member.errors";
import type { AddMemberInput, Member, UpdateMemberInput } from "./member.schema";

type MemberItem = EntityItem<typeof MemberEntity>;

/** The fields of a membership that the audit history tracks. */
const auditedFields = ["email", "name", "role"] as const;

function toMember(item: MemberItem): Member {
  return {
    id: item.memberId,
    email: item.email,
    name: item.name ?? null,
    role: item.role,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/**
 * The actor for a signed-in person in an organisation, or null when they are not a member (or the organisation does
 * not exist: callers answer both with the same 404). One strongly consistent GetItem on a key derived from the token.
 */
export async function findActor(orgId: string, identity: Identity): Promise<Actor | null> {
  const { data } = await MemberEntity.get({ orgId, memberId: memberIdFor(orgId, identity.email) }).go({
    consistent: true,
  });
  return data ? { ...identity, memberId: data.memberId, role: data.role } : null;
}

/** Whether `memberId` is a member of the organisation (owners must be). */
export async function isMember(orgId: string, memberId: string): Promise<boolean> {
  const { data } = await MemberEntity.get({ orgId, memberId }).go({ consistent: true });
  return data !== null;
}

export async function listMembers(
  context: TenantContext,
  options: { limit: number; cursor?: string },
): Promise<Page<Member>> {
  return readPage(
    ({ limit, cursor }) => MemberEntity.query.membersOfOrganisation({ orgId: context.orgId }).go({ limit, cursor }),
    {
      limit: options.limit,
      cursor: options.cursor,
      fingerprint: queryFingerprint({ list: "members", orgId: context.orgId }),
      filtered: false,
      map: toMember,
    },
  );
}

export async function addMember(context: TenantContext, input: AddMemberInput): Promise<Member> {
  const { data: organisation } = await OrganisationEntity.get({ orgId: context.orgId }).go();
  if (!organisation) throw new NotFoundError("organisation", context.orgId);
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
  const reasons = await writeTransaction([
    inTransaction(MemberEntity).create(member).commit(),
    ...(input.role === "admin"
      ? [
          inTransaction(OrganisationEntity)
            .patch({ orgId: context.orgId })
            .add({ adminCount: 1 })
            .set({ updatedAt: at })
            .commit(),
        ]
      : []),
    auditAction(context, {
      recordType: "member",
      recordId: member.memberId,
      action: "created",
      changes: fieldChanges(null, member, auditedFields),
    }),
  ]);
  if (reasons) {
    if (failedCondition(reasons, 0)) {
      throw new DuplicateError("email", input.email, { type: "member", id: member.memberId });
    }
    throw new ConcurrentModificationError("organisation", context.orgId);
  }
  return toMember(member);
}

async function loadMember(context: TenantContext, memberId: string): Promise<MemberItem> {
  const { data } = await MemberEntity.get({ orgId: context.orgId, memberId }).go({ consistent: true });
  if (!data) throw new NotFoundError("member", memberId);
  return data;
}

/** How a role change moves the organisation's admin count. */
function adminDelta(from: MemberItem["role"], to: MemberItem["role"] | null): number {
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
  const reasons = await writeTransaction([
    inTransaction(MemberEntity)
      .patch({ orgId: context.orgId, memberId })
      .set({ role, updatedAt: at, ...(input.name ? { name: input.name } : {}) })
      .remove(input.name === null ? ["name"] : [])
      .where((attributes, { eq }) => eq(attributes.role, current.role))
      .commit(),
    ...adminCountChange(context.orgId, delta, at),
    auditAction(context, {
      recordType: "member",
      recordId: memberId,
      action: "updated",
      changes: fieldChanges(current, updated, auditedFields),
    }),
  ]);
  handleMemberCancellation(reasons, memberId, delta);
  return toMember({ ...updated, updatedAt: at });
}

export async function removeMember(context: TenantContext, memberId: string): Promise<void> {
  const current = await loadMember(context, memberId);
  const delta = adminDelta(current.role, null);
  const at = now();
  const reasons = await writeTransaction([
    inTransaction(MemberEntity)
      .delete({ orgId: context.orgId, memberId })
      .where((attributes, { eq }) => eq(attributes.role, current.role))
      .commit(),
    ...adminCountChange(context.orgId, delta, at),
    auditAction(context, {
      recordType: "member",
      recordId: memberId,
      action: "deleted",
      changes: fieldChanges(current, null, auditedFields),
    }),
  ]);
  handleMemberCancellation(reasons, memberId, delta);
}

/** Losing an admin is conditional on another admin remaining, so concurrent demotions cannot empty the org. */
function adminCountChange(orgId: string, delta: number, at: string) {
  if (delta === 0) return [];
  const patch = inTransaction(OrganisationEntity).patch({ orgId }).add({ adminCount: delta }).set({ updatedAt: at });
  return [delta < 0 ? patch.where((attributes, { gt }) => gt(attributes.adminCount, 1)).commit() : patch.commit()];
}

function handleMemberCancellation(reasons: CancellationReason[] | null, memberId: string, delta: number): void {
  if (!reasons) return;
  if (delta < 0 && failedCondition(reasons, 1) && !conflicted(reasons)) throw new LastAdminError();
  // The member changed or vanished since we read it.
  throw new ConcurrentModificationError("member", memberId);
}
