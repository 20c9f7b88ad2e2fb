import { auditAction, fieldChanges } from "../../capabilities/audit/audit.service";
import { changeSet } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { queryFingerprint } from "../../platform/cursor";
import { ConcurrentModificationError, ValidationError } from "../../platform/errors";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { ApiKeyEntity } from "./api-key.entity";
import { type ApiKeyItem, forgetApiKey, loadApiKey, toApiKey } from "./api-key.queries";
import {
  type ApiKey,
  type ApiKeyWithSecret,
  type CreateApiKeyInput,
  maxActiveApiKeysPerOrganisation,
} from "./api-key.schema";
import { newApiKeySecret } from "./api-key.secret";

/** What the audit log and the events show of a key: never its hash. */
const auditedFields = ["name", "scopes", "validUntil", "revokedAt"] as const;

async function activeKeyCount(orgId: string, at: string): Promise<number> {
  const { data } = await ApiKeyEntity.query.apiKeysOfOrganisation({ orgId }).go({ pages: "all", consistent: true });
  return data.filter((item) => toApiKey(item, at).status === "active").length;
}

/** Creates a key and returns it with its secret, which no later response shows; audited in the same transaction. */
export async function createApiKey(context: TenantContext, input: CreateApiKeyInput): Promise<ApiKeyWithSecret> {
  const at = now();
  if ((await activeKeyCount(context.orgId, at)) >= maxActiveApiKeysPerOrganisation) {
    throw new ValidationError([
      {
        path: "body",
        message: `An organisation has at most ${maxActiveApiKeysPerOrganisation} usable API keys; revoke one first.`,
      },
    ]);
  }
  const { keyId, token, secretHash } = newApiKeySecret();
  const item: ApiKeyItem = {
    orgId: context.orgId,
    keyId,
    name: input.name,
    scopes: input.scopes,
    secretHash,
    ...(input.expiresAt ? { validUntil: new Date(input.expiresAt).toISOString() } : {}),
    createdBy: context.actor.memberId,
    createdAt: at,
    updatedAt: at,
  };
  await changeSet()
    .add("API key", inTransaction(ApiKeyEntity).create(item).commit())
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "apiKey",
        recordId: keyId,
        action: "created",
        changes: fieldChanges(null, item, auditedFields),
      }),
    )
    .commit(() => new ConcurrentModificationError("API key", keyId));
  return { ...toApiKey(item, at), secret: token };
}

export async function listApiKeys(
  context: TenantContext,
  options: { limit: number; cursor?: string },
): Promise<Page<ApiKey>> {
  const at = now();
  return readPage(
    ({ limit, cursor }) =>
      ApiKeyEntity.query.apiKeysOfOrganisation({ orgId: context.orgId }).go({ limit, cursor, order: "desc" }),
    {
      limit: options.limit,
      cursor: options.cursor,
      fingerprint: queryFingerprint({ list: "api-keys", orgId: context.orgId }),
      filtered: false,
      map: (item) => toApiKey(item, at),
    },
  );
}

export async function getApiKey(context: TenantContext, keyId: string): Promise<ApiKey> {
  return toApiKey(await loadApiKey(context.orgId, keyId));
}

/**
 * Revokes a key, audited in the same transaction; revoking a revoked key changes nothing. This container forgets it
 * at once; the others within their cache's bound.
 */
export async function revokeApiKey(context: TenantContext, keyId: string): Promise<void> {
  const current = await loadApiKey(context.orgId, keyId);
  if (current.revokedAt) return;
  const at = now();
  await changeSet()
    .add(
      "API key",
      inTransaction(ApiKeyEntity)
        .patch({ orgId: context.orgId, keyId })
        .set({ revokedAt: at, revokedBy: context.actor.memberId, updatedAt: at })
        .where((attributes, { notExists }) => notExists(attributes.revokedAt))
        .commit(),
    )
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "apiKey",
        recordId: keyId,
        action: "revoked",
        changes: fieldChanges(current, { ...current, revokedAt: at }, auditedFields),
      }),
    )
    .attempt(); // refused only when a concurrent revoke came first: the key is revoked either way
  forgetApiKey(context.orgId, keyId);
}
