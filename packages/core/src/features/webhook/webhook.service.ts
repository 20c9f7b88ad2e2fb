import type { EntityItem } from "electrodb";
import { monotonicFactory } from "ulid";
import { SealedSecretError } from "../../capabilities/vault/token-vault";
import { now } from "../../platform/clock";
import { webhooksConfig } from "../../platform/config/webhooks.config";
import { ConcurrentModificationError, NotFoundError, ValidationError } from "../../platform/errors";
import { assertPreconditions, type Preconditions } from "../../platform/etag";
import type { TenantContext } from "../../platform/request-context";
import { isConditionalCheckFailure } from "../../platform/transactions";
import { checkWebhookUrl, type DestinationPolicy, resolveSafeAddress, UnsafeDestinationError } from "./ssrf.guard";
import { WebhookSubscriptionEntity } from "./webhook.entity";
import {
  type CreateWebhookInput,
  maxWebhooksPerOrganisation,
  type UpdateWebhookInput,
  type Webhook,
  type WebhookWithSecret,
} from "./webhook.schema";
import { newWebhookSecret, openWebhookSecret, sealWebhookSecret } from "./webhook.signer";

export type SubscriptionItem = EntityItem<typeof WebhookSubscriptionEntity>;

/** How long the secret before a rotation keeps signing deliveries, so receivers can switch without a gap. */
export const secretOverlapHours = 24;

/** How long the subscription check waits for DNS before accepting the URL (every delivery checks again). */
const subscriptionDnsTimeoutMs = 3000;

const nextUlid = monotonicFactory();

// At module scope: it needs no link, so a wrong WEBHOOKS_ALLOW_LOOPBACK fails the cold start (see webhooks.config.ts).
const { allowLoopback } = webhooksConfig();

/** Where deliveries may go in this deployment: public addresses only, plus loopback in the local cloud. */
export function destinationPolicy(): DestinationPolicy {
  return { allowLoopback };
}

export function toWebhook(item: SubscriptionItem): Webhook {
  return {
    id: item.webhookId,
    url: item.url,
    events: item.events,
    description: item.description ?? null,
    enabled: item.enabled,
    disabledReason: item.disabledReason ?? null,
    disabledAt: item.disabledAt ?? null,
    previousSecretExpiresAt: item.previousSecretExpiresAt ?? null,
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** A subscription of the organisation, or 404 (also for other tenants' ids). */
export async function loadSubscription(orgId: string, webhookId: string): Promise<SubscriptionItem> {
  const { data } = await WebhookSubscriptionEntity.get({ orgId, webhookId }).go({ consistent: true });
  if (!data) throw new NotFoundError("webhook", webhookId);
  return data;
}

async function loadSubscriptions(orgId: string): Promise<SubscriptionItem[]> {
  const { data } = await WebhookSubscriptionEntity.query
    .webhooksOfOrganisation({ orgId })
    .go({ pages: "all", consistent: true });
  return data;
}

const dnsFailureCodes = new Set(["ENOTFOUND", "EAI_AGAIN", "ENODATA", "ESERVFAIL", "ETIMEOUT", "ECONNREFUSED"]);

/**
 * Refuses, as a 400 on `body.url`, a URL deliveries must not go to: see checkWebhookUrl, and a name resolving to any
 * refused address. A name that does not resolve (yet), or not in time, is accepted: nothing it leads to is known,
 * and every delivery resolves and checks it again before connecting.
 */
async function assertDeliverableUrl(url: string): Promise<void> {
  const policy = destinationPolicy();
  try {
    const target = checkWebhookUrl(url, policy);
    if (target.address) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, subscriptionDnsTimeoutMs);
    });
    await Promise.race([resolveSafeAddress(target.host), timeout]).finally(() => clearTimeout(timer));
  } catch (error) {
    if (error instanceof UnsafeDestinationError) {
      throw new ValidationError([{ path: "body.url", message: error.message }], undefined, { cause: error });
    }
    if (!dnsFailureCodes.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
  }
}

/** Creates a subscription and returns it with its secret, which no later response shows again. */
export async function createWebhook(context: TenantContext, input: CreateWebhookInput): Promise<WebhookWithSecret> {
  const { orgId, actor } = context;
  if ((await loadSubscriptions(orgId)).length >= maxWebhooksPerOrganisation) {
    throw new ValidationError([
      {
        path: "body",
        message: `An organisation has at most ${maxWebhooksPerOrganisation} webhooks; delete one first.`,
      },
    ]);
  }
  await assertDeliverableUrl(input.url);
  const at = now();
  const webhookId = `whk_${nextUlid().toLowerCase()}`;
  const secret = newWebhookSecret();
  const item: SubscriptionItem = {
    orgId,
    webhookId,
    url: input.url,
    events: input.events,
    ...(input.description ? { description: input.description } : {}),
    enabled: input.enabled,
    sealedSecret: await sealWebhookSecret(secret, { orgId, webhookId }, "current"),
    version: 1,
    createdBy: actor.memberId,
    createdAt: at,
    updatedAt: at,
  };
  await WebhookSubscriptionEntity.create(item).go({ response: "none" });
  return { ...toWebhook(item), secret };
}

export async function listWebhooks(context: TenantContext): Promise<{ data: Webhook[]; nextCursor: null }> {
  return { data: (await loadSubscriptions(context.orgId)).map(toWebhook), nextCursor: null };
}

export async function getWebhook(context: TenantContext, webhookId: string): Promise<Webhook> {
  return toWebhook(await loadSubscription(context.orgId, webhookId));
}

/** Changes the URL (checked again), the events, the description or `enabled`; enabling clears why it was disabled. */
export async function updateWebhook(
  context: TenantContext,
  webhookId: string,
  input: UpdateWebhookInput,
  preconditions?: Preconditions,
): Promise<Webhook> {
  const { orgId } = context;
  const current = await loadSubscription(orgId, webhookId);
  assertPreconditions(preconditions, current, "webhook", webhookId);
  if (input.url !== undefined) await assertDeliverableUrl(input.url);
  const enabled = input.enabled ?? current.enabled;
  const next: SubscriptionItem = {
    ...current,
    url: input.url ?? current.url,
    events: input.events ?? current.events,
    description: input.description === null ? undefined : (input.description ?? current.description),
    enabled,
    disabledReason: enabled ? undefined : current.disabledReason,
    disabledAt: enabled ? undefined : current.disabledAt,
    version: current.version + 1,
    updatedAt: now(),
  };
  await WebhookSubscriptionEntity.patch({ orgId, webhookId })
    .set({
      url: next.url,
      events: next.events,
      enabled: next.enabled,
      version: next.version,
      updatedAt: next.updatedAt,
      ...(next.description ? { description: next.description } : {}),
    })
    .remove([
      ...(next.description ? [] : ["description" as const]),
      ...(enabled ? (["disabledReason", "disabledAt"] as const) : []),
    ])
    .where((attributes, { eq }) => eq(attributes.version, current.version))
    .go({ response: "none" })
    .catch((error) => {
      if (isConditionalCheckFailure(error)) throw new ConcurrentModificationError("webhook", webhookId);
      throw error;
    });
  return toWebhook(next);
}

/** Deletes a subscription. Its pending deliveries are cancelled when they fall due; its log expires with its TTL. */
export async function deleteWebhook(
  context: TenantContext,
  webhookId: string,
  preconditions?: Preconditions,
): Promise<void> {
  const current = await loadSubscription(context.orgId, webhookId);
  assertPreconditions(preconditions, current, "webhook", webhookId);
  await WebhookSubscriptionEntity.delete({ orgId: context.orgId, webhookId })
    .where((attributes, { eq }) => eq(attributes.version, current.version))
    .go({ response: "none" })
    .catch((error) => {
      if (isConditionalCheckFailure(error)) throw new ConcurrentModificationError("webhook", webhookId);
      throw error;
    });
}

/**
 * Replaces the signing secret and returns the new one, shown only here. For 24 hours deliveries carry signatures
 * with both, so receivers can switch at their pace; rotating again ends the older secret's overlap at once.
 * A current secret that does not open (see openWebhookSecret) signs nothing, so it gets no overlap: rotating is how
 * such a subscription is repaired.
 */
export async function rotateWebhookSecret(context: TenantContext, webhookId: string): Promise<WebhookWithSecret> {
  const { orgId } = context;
  const current = await loadSubscription(orgId, webhookId);
  const keys = { orgId, webhookId };
  const at = new Date();
  const secret = newWebhookSecret();
  // Sealed to its slot, the current secret is opened to be sealed again as the previous one.
  const previous = await openWebhookSecret(current.sealedSecret, keys, "current").catch((error) => {
    if (error instanceof SealedSecretError) return undefined;
    throw error;
  });
  const [sealedSecret, sealedPreviousSecret] = await Promise.all([
    sealWebhookSecret(secret, keys, "current"),
    previous === undefined ? undefined : sealWebhookSecret(previous, keys, "previous"),
  ]);
  const overlap = sealedPreviousSecret
    ? {
        sealedPreviousSecret,
        previousSecretExpiresAt: new Date(at.getTime() + secretOverlapHours * 3600_000).toISOString(),
      }
    : undefined;
  const next: SubscriptionItem = {
    ...current,
    sealedSecret,
    sealedPreviousSecret: overlap?.sealedPreviousSecret,
    previousSecretExpiresAt: overlap?.previousSecretExpiresAt,
    version: current.version + 1,
    updatedAt: at.toISOString(),
  };
  await WebhookSubscriptionEntity.patch(keys)
    .set({ sealedSecret, ...overlap, version: next.version, updatedAt: next.updatedAt })
    .remove(overlap ? [] : ["sealedPreviousSecret", "previousSecretExpiresAt"])
    .where((attributes, { eq }) => eq(attributes.version, current.version))
    .go({ response: "none" })
    .catch((error) => {
      if (isConditionalCheckFailure(error)) throw new ConcurrentModificationError("webhook", webhookId);
      throw error;
    });
  return { ...toWebhook(next), secret };
}
