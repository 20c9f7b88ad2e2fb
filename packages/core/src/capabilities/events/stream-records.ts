import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { itemOfStreamImage } from "../../platform/stream-image";
import { AuditEntryEntity } from "../audit/audit-entry.entity";
import { type DomainEvent, domainEventSchema } from "./domain-event.schema";
import { domainEventOf } from "./domain-events";

/** What one table-stream record means for the bus. */
export type StreamRecordMeaning =
  | { kind: "event"; event: DomainEvent }
  /** Not a change that has an event (not an audit entry, or an activity's timeline entry). */
  | { kind: "none" }
  /** It can never become an event, however often it is retried; `reason` says why. */
  | { kind: "undecodable"; reason: string };

/** The domain event of a new table item (an audit entry), checked against the published event schema. */
export function meaningOfNewImage(image: Record<string, AttributeValue>): StreamRecordMeaning {
  let item: Record<string, unknown>;
  try {
    item = itemOfStreamImage(image);
  } catch (error) {
    return { kind: "undecodable", reason: `The image cannot be decoded: ${messageOf(error)}` };
  }
  if (item.__edb_e__ !== "auditEntry") return { kind: "none" };
  try {
    const { data } = AuditEntryEntity.parse({ Item: item });
    const event = data ? domainEventOf(data) : null;
    if (!event) return { kind: "none" };
    const checked = domainEventSchema.safeParse(event);
    if (!checked.success) {
      const issues = checked.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
      return { kind: "undecodable", reason: `The event does not match its schema: ${issues.join("; ")}` };
    }
    return { kind: "event", event: checked.data };
  } catch (error) {
    return { kind: "undecodable", reason: `The audit entry cannot be read: ${messageOf(error)}` };
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
