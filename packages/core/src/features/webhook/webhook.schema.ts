import { z } from "zod";
import { domainEventTypes } from "../../capabilities/events/domain-event.schema";
import { deliveryIdParam, webhookIdParam } from "../../platform/path-parameters";
import { text, timestamp } from "../../platform/schema";
import { maxWebhookUrlLength } from "./ssrf.guard";
import { deliveryStatuses, webhookDisabledReasons } from "./webhook.constants";

/** An organisation's subscriptions are few; the dispatcher reads them all for every event. */
export const maxWebhooksPerOrganisation = 20;

const webhookUrl = z.string().trim().min(1).max(maxWebhookUrlLength).meta({
  description:
    "Where to POST events: an https URL whose host is a public address or a name that resolves only to public addresses. No credentials in the URL; redirects are not followed.",
  example: "https://hooks.example.com/crm",
});

export const allEvents = "*";

const eventSelection = z
  .array(z.union([z.enum(domainEventTypes), z.literal(allEvents)]))
  .min(1)
  .max(domainEventTypes.length)
  .transform((events) => [...new Set(events)])
  .refine((events) => !events.includes(allEvents) || events.length === 1, {
    message: "`*` already selects every event type; give it alone.",
  })
  .meta({ description: 'The domain event types to receive, or `["*"]` for all of them.', example: ["deal.created"] });

const description = text(500).meta({ description: "What the endpoint is for, for the admins' benefit." });

export const createWebhookInput = z
  .strictObject({
    url: webhookUrl,
    events: eventSelection,
    description: description.optional(),
    enabled: z.boolean().default(true),
  })
  .meta({ id: "CreateWebhookInput" });
export type CreateWebhookInput = z.infer<typeof createWebhookInput>;

export const updateWebhookInput = z
  .strictObject({
    url: webhookUrl.optional(),
    events: eventSelection.optional(),
    description: description.nullable().optional(),
    enabled: z.boolean().optional().meta({ description: "`true` also re-enables a subscription the API disabled." }),
  })
  .refine((input) => Object.keys(input).length > 0, { message: "Give at least one field to change." })
  .meta({ id: "UpdateWebhookInput" });
export type UpdateWebhookInput = z.infer<typeof updateWebhookInput>;

export const webhookSchema = z
  .object({
    id: webhookIdParam,
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabledReason: z.enum(webhookDisabledReasons).nullable().meta({
      description:
        "Why the API disabled it: `failing` (every attempt failed for about a day) or `gone` (the endpoint answered 410).",
    }),
    disabledAt: timestamp.nullable(),
    previousSecretExpiresAt: timestamp.nullable().meta({
      description: "Until then deliveries are also signed with the secret before the last rotation.",
    }),
    version: z.number().int().min(1),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Webhook" });
export type Webhook = z.infer<typeof webhookSchema>;

export const webhookWithSecretSchema = webhookSchema
  .extend({
    secret: z.string().meta({
      description:
        "The signing secret (`whsec_<base64>`), shown only in this response: store it now. Verify deliveries with any Standard Webhooks library.",
      example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    }),
  })
  .meta({ id: "WebhookWithSecret" });
export type WebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

export const deliverySchema = z
  .object({
    id: deliveryIdParam,
    webhookId: webhookIdParam,
    eventId: z.string().meta({ description: "The domain event's id, sent as `webhook-id`." }),
    eventType: z.string(),
    status: z.enum(deliveryStatuses).meta({
      description:
        "`pending` (an attempt is due or running), `succeeded` (a 2xx), `failed` (every attempt failed) or `cancelled` (the subscription was disabled or deleted first).",
    }),
    attempts: z.number().int().min(0),
    responseStatus: z.number().int().nullable().meta({ description: "The HTTP status of the latest attempt." }),
    latencyMs: z.number().int().nullable(),
    responseSnippet: z.string().nullable().meta({ description: "The first kilobyte of the latest response body." }),
    error: z.string().nullable().meta({ description: "Why the latest attempt got no answer (refused, DNS, timeout)." }),
    lastAttemptAt: timestamp.nullable(),
    nextAttemptAt: timestamp.nullable().meta({ description: "When the next attempt is due; null unless pending." }),
    createdAt: timestamp,
  })
  .meta({ id: "WebhookDelivery" });
export type Delivery = z.infer<typeof deliverySchema>;
