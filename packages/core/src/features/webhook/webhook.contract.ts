import { z } from "zod";
import { type ContractsOf, pageQuery } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { webhookRoutes } from "./webhook.routes";
import {
  createWebhookInput,
  deliverySchema,
  updateWebhookInput,
  webhookSchema,
  webhookWithSecretSchema,
} from "./webhook.schema";

/** What the routes of webhook.routes.ts accept and answer. */
export const webhookContracts = {
  "webhooks.create": {
    summary: "Subscribe an endpoint to events",
    description:
      "Deliveries are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The response carries the signing secret, which no later response shows. The URL must be https and lead only to public addresses (checked now and before every delivery); at most 20 webhooks per organisation.",
    tag: "Webhooks",
    body: createWebhookInput,
    response: {
      status: 201,
      description: "The new webhook, with its secret.",
      schema: webhookWithSecretSchema,
      location: true,
      etag: true,
    },
  },
  "webhooks.list": {
    summary: "List webhooks",
    description: "Every webhook subscription of the organisation (one page), without secrets.",
    tag: "Webhooks",
    query: z.strictObject({}),
    response: { status: 200, description: "Every webhook (one page).", schema: page(webhookSchema) },
  },
  "webhooks.get": {
    summary: "Get a webhook",
    tag: "Webhooks",
    response: { status: 200, description: "The webhook, without its secret.", schema: webhookSchema, etag: true },
  },
  "webhooks.update": {
    summary: "Change or re-enable a webhook",
    description:
      "Partial update of the URL (checked as on creation), events, description or `enabled`; `null` clears the description. Enabling a webhook the API disabled clears `disabledReason`.",
    tag: "Webhooks",
    body: updateWebhookInput,
    conditional: true,
    response: { status: 200, description: "The updated webhook.", schema: webhookSchema, etag: true },
    errors: [409],
  },
  "webhooks.delete": {
    summary: "Delete a webhook",
    description: "Its pending deliveries are cancelled.",
    tag: "Webhooks",
    conditional: true,
    response: { status: 204, description: "The webhook was deleted." },
    errors: [409],
  },
  "webhooks.rotateSecret": {
    summary: "Rotate a webhook's signing secret",
    description:
      "Returns a new secret, shown only here. For 24 hours deliveries are signed with both the new and the previous secret (two signatures in `webhook-signature`), so the receiver can switch without losing any.",
    tag: "Webhooks",
    response: {
      status: 200,
      description: "The webhook, with its new secret.",
      schema: webhookWithSecretSchema,
      etag: true,
    },
  },
  "webhooks.listDeliveries": {
    summary: "A webhook's delivery log",
    description:
      "Deliveries of the last 30 days, newest event first: the event, the status, the number of attempts, the latest attempt's response status, latency and first kilobyte of body, and when the next attempt is due.",
    tag: "Webhooks",
    query: pageQuery,
    response: { status: 200, description: "A page of deliveries.", schema: page(deliverySchema) },
  },
  "webhooks.replayDelivery": {
    summary: "Send a delivery again",
    description:
      "Attempts the delivery now, whatever its state, with the webhook's current URL and secrets (also when the webhook is disabled), and answers with the outcome. A failed replay is retried on the schedule while the delivery has attempts left.",
    tag: "Webhooks",
    response: { status: 200, description: "The delivery after the attempt.", schema: deliverySchema },
  },
} as const satisfies ContractsOf<typeof webhookRoutes>;
