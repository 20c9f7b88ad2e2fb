import { z } from "zod";
import { timestamp } from "../../platform/schema";
import { auditedRecordTypes } from "../audit/audit.constants";
import { fieldChangeSchema } from "../audit/audit.schema";

/**
 * Every domain event type: `<record>.<past tense>`. One committed change produces exactly one of them; a completed
 * task is `task.completed` rather than `activity.updated`.
 */
export const domainEventTypes = [
  "contact.created",
  "contact.updated",
  "contact.deleted",
  "contact.restored",
  "contact.merged",
  "company.created",
  "company.updated",
  "company.deleted",
  "company.restored",
  "company.merged",
  "deal.created",
  "deal.updated",
  "deal.deleted",
  "deal.restored",
  "deal.stage_changed",
  "pipeline.created",
  "pipeline.updated",
  "pipeline.deleted",
  "member.created",
  "member.updated",
  "member.deleted",
  "activity.created",
  "activity.updated",
  "activity.deleted",
  "task.completed",
  "integration.connected",
  "integration.updated",
  "integration.disconnected",
  "integration.needs_reauth",
  "integration.sync_failed",
  "invoice.created",
  "invoice.paid",
  "payment.received",
  "apiKey.created",
  "apiKey.revoked",
  "customField.created",
  "customField.updated",
  "customField.deleted",
] as const;
export type DomainEventType = (typeof domainEventTypes)[number];

/**
 * The `detail` of a domain event on the bus (detail-type = `type`, source = `crm.api`), version 1. Consumers must
 * be idempotent on `id`: EventBridge delivers at least once.
 */
export const domainEventSchema = z
  .object({
    schemaVersion: z.literal(1),
    id: z.string().meta({ description: "Unique per change; the same on every redelivery." }),
    type: z.enum(domainEventTypes),
    orgId: z.string(),
    actor: z.object({
      memberId: z.string().meta({
        description:
          "The member who made the change, the API key (`key_…`) it was made with, or `system:<name>` for automation.",
      }),
    }),
    record: z.object({ type: z.enum(auditedRecordTypes), id: z.string() }),
    changes: z.array(fieldChangeSchema).meta({ description: "Each changed field, before and after." }),
    occurredAt: timestamp,
    requestId: z.string(),
  })
  .meta({ id: "DomainEvent" });
export type DomainEvent = z.infer<typeof domainEventSchema>;

/** The JSON Schema of a domain event, published next to the OpenAPI document. */
export function domainEventJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(domainEventSchema, { target: "draft-2020-12" }),
    $id: "https://crm.example/events/schema.json",
    title: "DomainEvent",
    description: "The `detail` of a domain event (source `crm.api`, detail-type = `type`), version 1.",
  };
}
