import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { auditAction } from "../../capabilities/audit/audit.service";
import { open, seal } from "../../capabilities/vault/token-vault";
import { type ProviderId, providers } from "../../declarations/integrations";
import { changeSet } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { integrationsConfig } from "../../platform/config/integrations.config";
import { ForbiddenError } from "../../platform/errors";
import { idPrefixes } from "../../platform/ids";
import type { TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import { isConditionalCheckFailure } from "../../platform/transactions";
import { ConnectionEntity } from "./connection.entity";
import { type ConnectionItem, syncStatesOf, toConnection } from "./connection.queries";
import type { Authorization, CallbackQuery, Connection } from "./connection.schema";
import {
  AuthorizationDeniedError,
  InvalidOAuthStateError,
  OAuthStateUsedError,
  ProviderUnavailableError,
} from "./integration.errors";
import { recordCall } from "./integration-log";
import { authorizationUrl, exchangeCode, OAuthEndpointError, OAuthGrantError } from "./oauth.client";
import { OAuthStateEntity } from "./oauth-state.entity";
import { providerProfiles } from "./providers";
import { requestSyncs } from "./sync-requests";

/** How long a user has to complete an authorization. */
export const authorizationLifetimeSeconds = 10 * 60;

type StateClaims = { stateId: string; orgId: string; memberId: string; provider: ProviderId; expiresAt: number };

const base64url = (bytes: Buffer) => bytes.toString("base64url");

function signature(payload: string): Buffer {
  return createHmac("sha256", integrationsConfig().stateSigningKey).update(`oauth-state\n${payload}`).digest();
}

/** `<claims>.<HMAC>`: what the provider echoes back, signed so that a forged or altered state is refused unread. */
function signState(claims: StateClaims): string {
  const payload = base64url(Buffer.from(JSON.stringify(claims)));
  return `${payload}.${base64url(signature(payload))}`;
}

function verifyState(state: string | undefined, provider: ProviderId): StateClaims {
  const [payload, mac, ...rest] = (state ?? "").split(".");
  if (!payload || !mac || rest.length > 0) throw new InvalidOAuthStateError("The state is missing or malformed.");
  const expected = signature(payload);
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidOAuthStateError("The state was not issued by this API.");
  }
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as StateClaims;
  if (claims.provider !== provider) throw new InvalidOAuthStateError(`The state was issued for ${claims.provider}.`);
  if (claims.expiresAt * 1000 <= Date.now()) {
    throw new InvalidOAuthStateError("The authorization expired; start it again.");
  }
  return claims;
}

/** The callback URL of a provider: registered with the provider, and sent in both legs of the code flow. */
export function callbackUrl(provider: ProviderId): string {
  return new URL(`v1/integrations/${provider}/callback`, `${integrationsConfig().publicApiUrl.replace(/\/?$/, "/")}`)
    .href;
}

/** A connection's id, derived from what it connects, so reconnecting the same account updates the same record. */
export function connectionIdFor(orgId: string, provider: ProviderId, ownerMemberId: string, accountId: string) {
  const digest = createHash("sha256").update(`${orgId}\n${provider}\n${ownerMemberId}\n${accountId}`).digest("hex");
  return `${idPrefixes.integration}_${digest.slice(0, 26)}`;
}

/**
 * Starts connecting the caller (or, for organisation-owned providers, the organisation) to a provider: a signed,
 * expiring, single-use state bound to organisation, member and provider, and a PKCE S256 verifier kept sealed.
 */
export async function beginAuthorization(context: TenantContext, provider: ProviderId): Promise<Authorization> {
  const profile = providerProfiles[provider];
  if (profile.owner === "organisation" && context.actor.role !== "admin") {
    throw new ForbiddenError(`Only admins connect the organisation to ${providers[provider].displayName}.`);
  }
  const stateId = base64url(randomBytes(18));
  const codeVerifier = base64url(randomBytes(32));
  const createdAt = now();
  const expiresAt = Math.floor(Date.parse(createdAt) / 1000) + authorizationLifetimeSeconds;
  const redirectUri = callbackUrl(provider);
  await OAuthStateEntity.create({
    stateId,
    orgId: context.orgId,
    memberId: context.actor.memberId,
    provider,
    sealedCodeVerifier: await seal(codeVerifier, { purpose: "pkce", stateId }),
    redirectUri,
    createdAt,
    expiresAt,
  }).go();
  const state = signState({ stateId, orgId: context.orgId, memberId: context.actor.memberId, provider, expiresAt });
  return {
    authorizationUrl: authorizationUrl(
      profile.oauth(),
      {
        redirectUri,
        scopes: profile.scopes,
        state,
        codeChallenge: base64url(createHash("sha256").update(codeVerifier).digest()),
      },
      profile.authorizationParameters,
    ),
    expiresAt: new Date(expiresAt * 1000).toISOString(),
  };
}

/** Marks the state used, once: the one callback that succeeds may exchange the code, any replay is refused. */
async function consumeState(claims: StateClaims) {
  const consumedAt = now();
  try {
    const { data } = await OAuthStateEntity.patch({ stateId: claims.stateId })
      .set({ consumedAt })
      .where((attributes, { notExists, eq }) =>
        [
          notExists(attributes.consumedAt),
          eq(attributes.orgId, claims.orgId),
          eq(attributes.memberId, claims.memberId),
          eq(attributes.provider, claims.provider),
        ].join(" AND "),
      )
      .go({ response: "all_new" });
    return data;
  } catch (error) {
    if (isConditionalCheckFailure(error)) {
      const { data: existing } = await OAuthStateEntity.get({ stateId: claims.stateId }).go({ consistent: true });
      if (existing?.consumedAt) throw new OAuthStateUsedError("This authorization was already completed.");
      throw new InvalidOAuthStateError("The state is not one this API issued.", { cause: error });
    }
    throw error;
  }
}

// Google answers the short sign-in scopes with their long names (`email` is granted as `…/userinfo.email`).
const scopeAliases: Record<string, string> = {
  email: "https://www.googleapis.com/auth/userinfo.email",
  profile: "https://www.googleapis.com/auth/userinfo.profile",
};
const canonicalScope = (scope: string) => scopeAliases[scope] ?? scope;

/**
 * Completes an authorization from the provider's redirect: verifies the state, uses it up, exchanges the code
 * exactly once, seals the tokens and creates (or, for an account connected before, renews) the connection.
 */
export async function completeAuthorization(
  provider: ProviderId,
  callback: CallbackQuery,
  requestId: string,
): Promise<Connection> {
  const claims = verifyState(callback.state, provider);
  const state = await consumeState(claims);
  if (callback.error) {
    throw new AuthorizationDeniedError(callback.error, `The provider refused the authorization: ${callback.error}.`);
  }
  if (!callback.code) throw new AuthorizationDeniedError("missing_code", "The provider sent no authorization code.");
  const profile = providerProfiles[provider];
  const settings = profile.oauth();
  const codeVerifier = await open(state.sealedCodeVerifier as never, { purpose: "pkce", stateId: claims.stateId });
  const started = Date.now();
  let tokens: Awaited<ReturnType<typeof exchangeCode>>;
  try {
    tokens = await exchangeCode(settings, { code: callback.code, codeVerifier, redirectUri: state.redirectUri });
  } catch (error) {
    if (error instanceof OAuthGrantError) {
      throw new AuthorizationDeniedError(error.error, `The provider refused the code: ${error.message}`, {
        cause: error,
      });
    }
    if (error instanceof OAuthEndpointError) {
      throw new ProviderUnavailableError(provider, "The provider's token endpoint did not answer.", undefined, {
        cause: error,
      });
    }
    throw error;
  }
  const identity = await profile.identify(tokens, callback, settings);
  const ownerMemberId = providers[provider].owner === "member" ? claims.memberId : "organisation";
  // One connection per member and account, but one per organisation and provider for the organisation's books.
  const connectionId = connectionIdFor(
    claims.orgId,
    provider,
    ownerMemberId,
    ownerMemberId === "organisation" ? "" : identity.accountId,
  );
  await recordCall(
    { orgId: claims.orgId, connectionId },
    { operation: "oauth.exchange", status: 200, latencyMs: Date.now() - started, attempt: 1 },
  );
  const grantedScopes = tokens.scopes ?? [...profile.scopes];
  const granted = new Set(grantedScopes.map(canonicalScope));
  const missingScopes = profile.scopes.filter((scope) => !granted.has(canonicalScope(scope)));
  const keys = { orgId: claims.orgId, connectionId };
  const existing = (await ConnectionEntity.get(keys).go({ consistent: true })).data;
  const refreshToken = tokens.refreshToken
    ? await seal(tokens.refreshToken, { ...keys, token: "refresh" })
    : existing?.sealedRefreshToken;
  const status =
    missingScopes.length > 0 || !refreshToken ? "needs_reauth" : identity.pendingChoice ? "pending" : "active";
  const statusReason =
    missingScopes.length > 0
      ? `The account did not grant ${missingScopes.join(", ")}; connect again and allow them.`
      : !refreshToken
        ? "The provider sent no refresh token; connect again."
        : identity.pendingChoice;
  const at = now();
  const tokenFields = {
    grantedScopes,
    missingScopes,
    accountKey: identity.accountKey,
    accountName: identity.accountName,
    status,
    sealedAccessToken: await seal(tokens.accessToken, { ...keys, token: "access" }),
    ...(refreshToken ? { sealedRefreshToken: refreshToken } : {}),
    accessTokenExpiresAt: Date.now() + tokens.expiresInSeconds * 1000,
    updatedAt: at,
  } as const;
  const record = existing
    ? inTransaction(ConnectionEntity)
        .patch(keys)
        .set({
          ...tokenFields,
          ...(statusReason ? { statusReason } : {}),
          tokenVersion: existing.tokenVersion + 1,
          version: existing.version + 1,
        })
        .remove(statusReason ? ["lastRefreshError"] : ["statusReason", "lastRefreshError"])
        .commit()
    : inTransaction(ConnectionEntity)
        .create({
          ...keys,
          ...tokenFields,
          provider,
          ownerMemberId,
          accountId: identity.accountId,
          ...(statusReason ? { statusReason } : {}),
          createdBy: claims.memberId,
          createdAt: at,
        })
        .commit();
  const actor = { orgId: claims.orgId, requestId, actor: { memberId: claims.memberId } } as TenantContext;
  await changeSet()
    .add("connection", record)
    .add(
      "audit entry",
      auditAction(actor, {
        recordType: "integration",
        recordId: connectionId,
        action: "connected",
        changes: [
          { field: "account", before: existing?.accountName ?? null, after: identity.accountName },
          { field: "status", before: existing?.status ?? null, after: status },
        ],
      }),
    )
    .commit(() => new Error("The connection changed while it was being stored."));
  if (status === "active") {
    // The first sync now rather than at the next poll; if the bus is down, the poll does it within minutes.
    await requestSyncs([{ provider, ...keys, reason: "connected" }]).catch(() => undefined);
  }
  const { data } = await ConnectionEntity.get(keys).go({ consistent: true });
  return toConnection(data as ConnectionItem, await syncStatesOf(keys));
}
