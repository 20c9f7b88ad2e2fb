import { randomUUID } from "node:crypto";
import { open, type SealedSecret, seal } from "../../capabilities/vault/token-vault";
import { isConditionalCheckFailure } from "../../platform/transactions";
import { ConnectionEntity } from "./connection.entity";
import type { ConnectionItem } from "./connection.queries";
import { ProviderUnavailableError } from "./integration.errors";
import { type ConnectionKeys, recordCall } from "./integration-log";
import { OAuthEndpointError, OAuthGrantError, refreshAccessToken } from "./oauth.client";
import { providerProfiles } from "./providers";

/** An access token closer to its expiry than this is refreshed first, so it cannot expire in the middle of a call. */
export const refreshSkewMilliseconds = 5 * 60_000;
/** How long a refresh lease lasts: well above the token call's 10-second timeout. */
const leaseMilliseconds = 30_000;
/** How long a caller waits for a sibling's refresh before giving up (and the job defers its work). */
const waitForSiblingMilliseconds = 20_000;

/** Why a connection can no longer be used until its owner connects again; its sync stops. */
export class ConnectionNeedsReauthError extends Error {
  override readonly name = "ConnectionNeedsReauthError";
  constructor(
    readonly keys: ConnectionKeys,
    message: string,
  ) {
    super(message);
  }
}

/** Called when a refresh finds the grant gone (revoked, expired): marks, notifies and raises the event. */
export type NeedsReauthHandler = (connection: ConnectionItem, reason: string) => Promise<void>;

const tokenContext = (keys: ConnectionKeys, token: "access" | "refresh") => ({
  orgId: keys.orgId,
  connectionId: keys.connectionId,
  token,
});
const refreshesInFlight = new Map<string, Promise<string>>();
const containerId = randomUUID();

async function readConnection(keys: ConnectionKeys): Promise<ConnectionItem> {
  const { data } = await ConnectionEntity.get(keys).go({ consistent: true });
  if (!data) throw new ConnectionNeedsReauthError(keys, "The connection no longer exists.");
  return data;
}

const fresh = (item: ConnectionItem) =>
  item.sealedAccessToken !== undefined && item.accessTokenExpiresAt - refreshSkewMilliseconds > Date.now();

/** Active, or pending an admin's choice of organisation (whose listing needs a token too). */
function usable(item: ConnectionItem, keys: ConnectionKeys): ConnectionItem {
  if (item.status !== "active" && item.status !== "pending") {
    throw new ConnectionNeedsReauthError(keys, item.statusReason ?? `The connection is ${item.status}.`);
  }
  return item;
}

/** Takes the connection's refresh lease if nobody holds a live one; the item as it is then, or null when taken. */
async function takeLease(keys: ConnectionKeys, owner: string): Promise<ConnectionItem | null> {
  const at = Date.now();
  try {
    const { data } = await ConnectionEntity.patch(keys)
      .set({ leaseOwner: owner, leaseExpiresAt: at + leaseMilliseconds })
      .where(
        ({ leaseExpiresAt, status }, { notExists, lt, eq }) =>
          `(${notExists(leaseExpiresAt)} OR ${lt(leaseExpiresAt, at)}) AND (${eq(status, "active")} OR ${eq(status, "pending")})`,
      )
      .go({ response: "all_new" });
    return data as ConnectionItem;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return null;
    throw error;
  }
}

async function releaseLease(keys: ConnectionKeys, owner: string): Promise<void> {
  try {
    await ConnectionEntity.patch(keys)
      .remove(["leaseOwner", "leaseExpiresAt"])
      .where(({ leaseOwner }, { eq }) => eq(leaseOwner, owner))
      .go();
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
  }
}

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/**
 * A valid access token of the connection, refreshing it when needed, once across every caller: callers in one
 * container share one refresh (single flight); across containers a conditional-write lease elects one refresher
 * and the others wait for its new token version. The token endpoint is called once per refresh, never retried
 * blindly: a provider that rotates refresh tokens may already have rotated it.
 */
export async function accessTokenFor(keys: ConnectionKeys, onNeedsReauth: NeedsReauthHandler): Promise<string> {
  const item = usable(await readConnection(keys), keys);
  if (fresh(item)) return open(item.sealedAccessToken as SealedSecret, tokenContext(keys, "access"));
  const flightKey = `${keys.orgId}/${keys.connectionId}`;
  const inFlight = refreshesInFlight.get(flightKey);
  if (inFlight) return inFlight;
  const refresh = refreshOnce(keys, onNeedsReauth).finally(() => refreshesInFlight.delete(flightKey));
  refreshesInFlight.set(flightKey, refresh);
  return refresh;
}

async function refreshOnce(keys: ConnectionKeys, onNeedsReauth: NeedsReauthHandler, retried = false): Promise<string> {
  const owner = `${containerId}:${randomUUID()}`;
  const deadline = Date.now() + waitForSiblingMilliseconds;
  let leased: ConnectionItem | null = null;
  for (let attempt = 0; !leased; attempt++) {
    const current = usable(await readConnection(keys), keys);
    if (fresh(current)) return open(current.sealedAccessToken as SealedSecret, tokenContext(keys, "access"));
    leased = await takeLease(keys, owner);
    if (leased) break;
    if (Date.now() > deadline) {
      throw new ProviderUnavailableError(keys.connectionId, "Another refresh of this connection did not finish.");
    }
    await pause(Math.random() * Math.min(1000, 50 * 2 ** attempt)); // full jitter while a sibling refreshes
  }
  if (fresh(leased)) {
    await releaseLease(keys, owner);
    return open(leased.sealedAccessToken as SealedSecret, tokenContext(keys, "access"));
  }
  const profile = providerProfiles[leased.provider];
  const startedVersion = leased.tokenVersion;
  const refreshToken = await open(leased.sealedRefreshToken as SealedSecret, tokenContext(keys, "refresh"));
  const started = Date.now();
  let tokens: Awaited<ReturnType<typeof refreshAccessToken>>;
  try {
    tokens = await refreshAccessToken(profile.oauth(), refreshToken);
  } catch (error) {
    const status = error instanceof OAuthGrantError || error instanceof OAuthEndpointError ? error.status : 0;
    await recordCall(keys, {
      operation: "oauth.refresh",
      status,
      latencyMs: Date.now() - started,
      attempt: 1,
      errorClass: error instanceof OAuthGrantError ? error.error : "unavailable",
    });
    if (error instanceof OAuthGrantError && error.error === "invalid_grant") {
      const now = await readConnection(keys);
      if (!retried && (now.tokenVersion !== startedVersion || now.sealedRefreshToken !== leased.sealedRefreshToken)) {
        // A sibling rotated the token meanwhile: ours was superseded, not revoked. Once more, with the new one.
        await releaseLease(keys, owner);
        return refreshOnce(keys, onNeedsReauth, true);
      }
      const reason = "The provider no longer accepts this connection's grant (revoked or expired); connect again.";
      await markNeedsReauth(keys, owner, startedVersion, reason, error.message);
      await onNeedsReauth({ ...now, status: "needs_reauth", statusReason: reason }, reason);
      throw new ConnectionNeedsReauthError(keys, reason);
    }
    await releaseLease(keys, owner);
    throw new ProviderUnavailableError(leased.provider, "The provider's token endpoint did not answer.", undefined, {
      cause: error,
    });
  }
  await recordCall(keys, { operation: "oauth.refresh", status: 200, latencyMs: Date.now() - started, attempt: 1 });
  const changes = {
    sealedAccessToken: await seal(tokens.accessToken, tokenContext(keys, "access")),
    // Google never rotates; a provider that does sends a new one, and the old one may already be dead.
    ...(tokens.refreshToken
      ? { sealedRefreshToken: await seal(tokens.refreshToken, tokenContext(keys, "refresh")) }
      : {}),
    accessTokenExpiresAt: Date.now() + tokens.expiresInSeconds * 1000,
    tokenVersion: startedVersion + 1,
    updatedAt: new Date().toISOString(),
  };
  await persistRefresh(keys, owner, startedVersion, changes);
  return tokens.accessToken;
}

/**
 * Stores the new tokens on the version the refresh started from, while still holding the lease. If the lease was
 * lost (a pause longer than the lease) but the version did not move, nobody else refreshed: store on the version
 * alone, since these tokens may now be the only valid ones.
 */
async function persistRefresh(
  keys: ConnectionKeys,
  owner: string,
  startedVersion: number,
  changes: Record<string, unknown>,
): Promise<void> {
  try {
    await ConnectionEntity.patch(keys)
      .set(changes)
      .remove(["leaseOwner", "leaseExpiresAt", "lastRefreshError"])
      .where(
        ({ leaseOwner, tokenVersion }, { eq }) => `${eq(leaseOwner, owner)} AND ${eq(tokenVersion, startedVersion)}`,
      )
      .go();
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
    try {
      await ConnectionEntity.patch(keys)
        .set(changes)
        .where(({ tokenVersion }, { eq }) => eq(tokenVersion, startedVersion))
        .go();
    } catch (retryError) {
      if (!isConditionalCheckFailure(retryError)) throw retryError;
      // Someone else stored a newer version after a refresh of their own: theirs wins, ours is dropped.
    }
  }
}

async function markNeedsReauth(
  keys: ConnectionKeys,
  owner: string,
  startedVersion: number,
  reason: string,
  providerMessage: string,
): Promise<void> {
  try {
    await ConnectionEntity.patch(keys)
      .set({
        status: "needs_reauth",
        statusReason: reason,
        lastRefreshError: providerMessage.slice(0, 500),
        updatedAt: new Date().toISOString(),
      })
      .remove(["leaseOwner", "leaseExpiresAt"])
      .where(({ tokenVersion }, { eq }) => eq(tokenVersion, startedVersion))
      .go();
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
    await releaseLease(keys, owner);
  }
}
