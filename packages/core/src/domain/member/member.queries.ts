import type { EntityItem } from "electrodb";
import { containerCacheConfig } from "../../platform/config/container-cache.config";
import { ContainerCache } from "../../platform/container-cache";
import { queryFingerprint } from "../../platform/cursor";
import { NotFoundError } from "../../platform/errors";
import { memberIdFor } from "../../platform/ids";
import { readPage } from "../../platform/paging";
import type { Actor, Identity, TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import type { Membership } from "../organisation/organisation.schema";
import { MemberEntity } from "./member.entity";
import type { Member } from "./member.schema";

export type MemberItem = EntityItem<typeof MemberEntity>;

export function toMember(item: MemberItem): Member {
  return {
    id: item.memberId,
    email: item.email,
    name: item.name ?? null,
    role: item.role,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** Memberships as this container last read them (see ContainerCache for how stale they may be). */
const memberships = new ContainerCache<Pick<MemberItem, "memberId" | "role">>(
  "Membership",
  () => containerCacheConfig().membershipMilliseconds,
);
const membershipKey = (orgId: string, memberId: string) => `${orgId}#${memberId}`;

/**
 * The actor for a signed-in person in an organisation, or null when they are not a member (or the organisation does
 * not exist: callers answer both with the same 404). One strongly consistent GetItem on a key derived from the
 * token, unless this container read the membership within the last few seconds (MEMBERSHIP_CACHE_MS).
 */
export async function findActor(orgId: string, identity: Identity): Promise<Actor | null> {
  const memberId = memberIdFor(orgId, identity.email);
  const membership = await memberships.get(membershipKey(orgId, memberId), async () => {
    const { data } = await MemberEntity.get({ orgId, memberId }).go({ consistent: true });
    return data ? { memberId: data.memberId, role: data.role } : null;
  });
  return membership ? { ...identity, memberId: membership.memberId, role: membership.role } : null;
}

/** Forgets a membership this container may have kept, once it has changed or ended here. */
export function forgetMembership(orgId: string, memberId: string): void {
  memberships.forget(membershipKey(orgId, memberId));
}

/** A member's item, read with strong consistency, or NotFoundError. */
export async function loadMember(context: TenantContext, memberId: string): Promise<MemberItem> {
  const { data } = await MemberEntity.get({ orgId: context.orgId, memberId }).go({ consistent: true });
  if (!data) throw new NotFoundError("member", memberId);
  return data;
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

/**
 * The organisations the signed-in person belongs to, with their role in each: their memberships, which carry the
 * organisation's name.
 */
export async function listMyOrganisations(
  identity: Identity,
  options: { limit: number; cursor?: string },
): Promise<Page<Membership>> {
  return readPage(
    ({ limit, cursor }) => MemberEntity.query.membershipsByEmail({ email: identity.email }).go({ limit, cursor }),
    {
      limit: options.limit,
      cursor: options.cursor,
      fingerprint: queryFingerprint({ list: "my-organisations", email: identity.email }),
      filtered: false,
      map: (member) => ({ id: member.orgId, name: member.orgName, role: member.role }),
    },
  );
}
