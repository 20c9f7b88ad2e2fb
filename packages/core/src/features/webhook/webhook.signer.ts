import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import type { DomainEvent } from "../../capabilities/events/domain-event.schema";

/** A new signing secret: 32 random bytes (the spec asks for at least 24), base64, with Standard Webhooks' prefix. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
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
