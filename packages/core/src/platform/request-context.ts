import type { Role } from "../declarations/routes";

/** The signed-in person, as established from a verified token. */
export type Identity = { userId: string; email: string; name?: string };

/** Who is acting inside an organisation: travels with every tenant-scoped service call. */
export type Actor = Identity & { memberId: string; role: Role };

/** The tenant and the actor of one request. Services take it first so they cannot forget either. */
export type TenantContext = { orgId: string; actor: Actor; requestId: string };
