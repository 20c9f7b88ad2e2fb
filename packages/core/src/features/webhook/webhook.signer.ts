import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import type { DomainEvent } from "../../capabilities/events/domain-event.schema";
import { open, type SealedSecret, SealedSecretError, seal } from "../../capabilities/vault/token-vault";

/** A new signing secret: 32 random bytes (the spec asks for at least 24), base64, with Standard Webhooks' prefix. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** Which of a subscription's two secrets a sealed one is: sealed to its slot, it opens in no other. */
export type SecretSlot = "current" | "previous";

type SubscriptionKeys = { orgId: string; webhookId: string };

/**
 * The vault context of a subscription's secret: its organisation, its id and its slot, so a sealed secret copied to
 * another subscription, or from `previous` to `current` (reviving a secret a rotation retired), does not open.
 */
const secretContext = ({ orgId, webhookId }: SubscriptionKeys, slot: SecretSlot) => ({
  orgId,
  webhookId,
  secret: slot,
});

export function sealWebhookSecret(secret: string, keys: SubscriptionKeys, slot: SecretSlot): Promise<SealedSecret> {
  return seal(secret, secretContext(keys, slot));
}

/**
 * The plaintext of a subscription's sealed secret; a SealedSecretError when it does not open, or is absent. Absent
 * means the item was written before secrets were sealed: nothing was released with plaintext secrets, so such items
 * exist only in a local cloud's persistent data, and rotating the secret (or re-creating the webhook) replaces it.
 */
export async function openWebhookSecret(
  sealed: string | undefined,
  keys: SubscriptionKeys,
  slot: SecretSlot,
): Promise<string> {
  if (!sealed) throw new SealedSecretError(`The webhook ${keys.webhookId} has no sealed ${slot} secret.`);
  return open(sealed as SealedSecret, secretContext(keys, slot));
}

/** What signing needs of a subscription: its keys and its sealed secrets. */
export type SealedSigningSecrets = SubscriptionKeys & {
  sealedSecret?: string;
  sealedPreviousSecret?: string;
  previousSecretExpiresAt?: string;
};

/**
 * The secrets that sign a delivery at `at`, opened: the current one, and the previous one during its overlap. A
 * SealedSecretError when either does not open: the delivery is then not sent rather than signed for only some
 * receivers.
 */
export async function signingSecrets(subscription: SealedSigningSecrets, at: Date): Promise<string[]> {
  const overlapping =
    subscription.sealedPreviousSecret &&
    subscription.previousSecretExpiresAt &&
    Date.parse(subscription.previousSecretExpiresAt) > at.getTime();
  return Promise.all([
    openWebhookSecret(subscription.sealedSecret, subscription, "current"),
    ...(overlapping ? [openWebhookSecret(subscription.sealedPreviousSecret, subscription, "previous")] : []),
  ]);
}

/** The body every attempt of an event's delivery sends, byte for byte: `{ type, timestamp, data }`. */
export function webhookPayload(event: DomainEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event });
}

export type SignatureHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

/**
 * Standard Webhooks headers for one attempt: the message id (stable across attempts, the receiver's idempotency
 * key), the attempt's time, and one `v1,<base64 HMAC-SHA256>` signature per secret, space-separated, so that during
 * a rotation receivers holding either secret can verify.
 */
export function signatureHeaders(input: {
  messageId: string;
  timestamp: Date;
  body: string;
  secrets: readonly string[];
}): SignatureHeaders {
  return {
    "webhook-id": input.messageId,
    "webhook-timestamp": String(Math.floor(input.timestamp.getTime() / 1000)),
    "webhook-signature": input.secrets
      .map((secret) => new Webhook(secret).sign(input.messageId, input.timestamp, input.body))
      .join(" "),
  };
}
