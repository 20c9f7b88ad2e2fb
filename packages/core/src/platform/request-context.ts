import type { Role } from "../declarations/routes";

/** The signed-in person, as established from a verified token. */
export type Identity = { userId: string; email: string; name?: string };

/**
 * Who is acting inside an organisation: travels with every tenant-scoped service call. For a person, `memberId` is
 * their membership; for an API key it is the key's id (so audit entries and events name the key), and
 * `ownerOfNewRecords` is the member who created the key, who owns what the key creates without an owner.
 */
export type Actor = Identity & { memberId: string; role: Role; ownerOfNewRecords?: string };

/** Who owns (or is assigned) a record the actor creates without naming anyone. */
export function newRecordOwner(actor: Actor): string {
  return actor.ownerOfNewRecords ?? actor.memberId;
}

/** The tenant and the actor of one request. Services take it first so they cannot forget either. */
export type TenantContext = { orgId: string; actor: Actor; requestId: string };
