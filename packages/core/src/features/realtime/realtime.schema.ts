import { z } from "zod";
import { auditedRecordTypes } from "../../capabilities/audit/audit.constants";
import { type DomainEvent, domainEventSchema } from "../../capabilities/events/domain-event.schema";
import { idPrefixes } from "../../platform/ids";
import { recordId } from "../../platform/schema";

/** Ids of every record type a domain event can be about (contacts, companies, deals, members, …). */
const eventRecordId = z
  .string()
  .regex(
    new RegExp(`^(${auditedRecordTypes.map((type) => idPrefixes[type]).join("|")})_[0-9a-z]{1,64}$`),
    `Must be the id of a ${auditedRecordTypes.join(", ")}.`,
  );

/** What a subscription follows: an organisation's feed, or one of its records when `recordId` is given. */
export const realtimeTopicSchema = z.object({
  orgId: recordId("organisation"),
  recordId: eventRecordId.optional(),
});
export type RealtimeTopic = z.infer<typeof realtimeTopicSchema>;

/** `{"action":"subscribe","orgId":"org_…","recordId":"con_…"?}`; unknown fields are refused, never dropped. */
export const subscribeMessageSchema = realtimeTopicSchema.extend({ action: z.literal("subscribe") }).strict();

/** `{"action":"unsubscribe","orgId":"org_…","recordId":"con_…"?}`. */
export const unsubscribeMessageSchema = realtimeTopicSchema.extend({ action: z.literal("unsubscribe") }).strict();

/**
 * The detail of a `realtime.shard_requested` bus event: one domain event and the connections this invocation posts
 * it to, a shard of its subscribers that the invocation which read them split off.
 */
export const realtimeShardSchema = z
  .object({ event: domainEventSchema, connectionIds: z.array(z.string().min(1)).min(1) })
  .strict();
export type RealtimeShard = z.infer<typeof realtimeShardSchema>;

/** What the real-time fan-out is given by the bus: a domain event, or a shard of one it split. */
export const realtimeFanOutSchema = z.union([realtimeShardSchema, domainEventSchema]);

/** Why a subscription ended. */
export type UnsubscribeReason = "requested" | "membership-ended";

/** Every message the server sends on a connection. */
export type RealtimeMessage =
  | { type: "event"; event: DomainEvent }
  | {
      type: "notification";
      notification: { title: string; message: string; subject: { type: string; id: string }; eventId: string };
    }
  /** How far an import the member started is, after each chunk (the import as `GET …/imports/{importId}` shows it). */
  | { type: "import.progress"; import: { id: string; status: string } & Record<string, unknown> }
  | ({ type: "subscribed" } & RealtimeTopic)
  | ({ type: "unsubscribed"; reason: UnsubscribeReason } & RealtimeTopic)
  | {
      type: "error";
      /** The action of the message that failed, when it named one. */
      action?: string;
      code: string;
      message: string;
      errors?: { path: string; message: string }[];
    };
