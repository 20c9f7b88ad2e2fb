import type { EntityItem } from "electrodb";
import type { ApiKeyScope } from "../../declarations/route-declaration";
import { now } from "../../platform/clock";
import { containerCacheConfig } from "../../platform/config/container-cache.config";
import { ContainerCache } from "../../platform/container-cache";
import { NotFoundError } from "../../platform/errors";
import type { Actor } from "../../platform/request-context";
import { ApiKeyEntity } from "./api-key.entity";
import type { ApiKey } from "./api-key.schema";
import { type ApiKeyCredential, secretMatches } from "./api-key.secret";

export type ApiKeyItem = EntityItem<typeof ApiKeyEntity>;

/** How often a key's `lastUsedAt` is written: enough to tell a key in use from a forgotten one. */
const lastUsedResolutionMilliseconds = 60_000;

export function toApiKey(item: ApiKeyItem, at = now()): ApiKey {
  return {
    id: item.keyId,
    name: item.name,
    scopes: item.scopes,
    status: statusOf(item, at),
    expiresAt: item.validUntil ?? null,
    lastUsedAt: item.lastUsedAt ?? null,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    revokedAt: item.revokedAt ?? null,
    revokedBy: item.revokedBy ?? null,
  };
}

function statusOf(item: ApiKeyItem, at: string): ApiKey["status"] {
  if (item.revokedAt) return "revoked";
  return item.validUntil !== undefined && item.validUntil <= at ? "expired" : "active";
}

/** The key of the organisation, read with strong consistency, or NotFoundError (also for another org's id). */
export async function loadApiKey(orgId: string, keyId: string): Promise<ApiKeyItem> {
  const { data } = await ApiKeyEntity.get({ orgId, keyId }).go({ consistent: true });
  if (!data) throw new NotFoundError("API key", keyId);
  return data;
}

/** Keys as this container last read them, for as long as memberships (see ContainerCache). */
const keptKeys = new ContainerCache<ApiKeyItem>("ApiKey", () => containerCacheConfig().membershipMilliseconds);
const keyCacheKey = (orgId: string, keyId: string) => `${orgId}#${keyId}`;

/** Forgets a key this container may have kept, once it has been revoked here. */
export function forgetApiKey(orgId: string, keyId: string): void {
  keptKeys.forget(keyCacheKey(orgId, keyId));
}

/** What an API key request resolves to. */
export type ApiKeyAccess =
  | { kind: "granted"; actor: Actor; scopes: readonly ApiKeyScope[] }
  /** No such key in this organisation (the same 404 as for someone who is not a member). */
  | { kind: "unknown" }
  /** The key exists but cannot be used: a wrong secret, revoked or expired (a 401, as for a bad token). */
  | { kind: "refused"; reason: string };

/**
 * Resolves an API key for a request to an organisation: one strongly consistent GetItem (or the container's copy,
 * at most MEMBERSHIP_CACHE_MS old, so a revoked key stops working within that bound), the secret compared in
 * constant time. A key acts as a manager within its scopes: the route table's scopes decide what it may call, and
 * record rules then let it change any record. Also records when the key was last used, at most once a minute.
 */
export async function findApiKeyAccess(orgId: string, credential: ApiKeyCredential): Promise<ApiKeyAccess> {
  const cacheKey = keyCacheKey(orgId, credential.keyId);
  const item = await keptKeys.get(cacheKey, async () => {
    const { data } = await ApiKeyEntity.get({ orgId, keyId: credential.keyId }).go({ consistent: true });
    return data;
  });
  if (!item) return { kind: "unknown" };
  if (!secretMatches(credential.secret, item.secretHash)) return { kind: "refused", reason: "The API key is invalid." };
  const at = now();
  const status = statusOf(item, at);
  if (status !== "active") return { kind: "refused", reason: `The API key is ${status}.` };
  if (!item.lastUsedAt || Date.parse(at) - Date.parse(item.lastUsedAt) >= lastUsedResolutionMilliseconds) {
    item.lastUsedAt = at; // the kept copy too, so this container writes again only after a minute
    await ApiKeyEntity.patch({ orgId, keyId: item.keyId })
      .set({ lastUsedAt: at })
      .go({ response: "none" })
      .catch(() => forgetApiKey(orgId, item.keyId)); // revoked or deleted meanwhile: read it afresh next time
  }
  return {
    kind: "granted",
    scopes: item.scopes as ApiKeyScope[],
    actor: {
      userId: item.keyId,
      email: "",
      name: item.name,
      memberId: item.keyId,
      role: "manager",
      ownerOfNewRecords: item.createdBy,
    },
  };
}
