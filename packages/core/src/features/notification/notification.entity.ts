import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";
import { notificationKinds } from "./notification.constants";

/** A message to one member, such as "your webhook was disabled"; in the member's own partition, by time. */
export const NotificationEntity = tableEntity({
  model: { service: "crm", entity: "notification", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    memberId: { type: "string", required: true, readOnly: true },
    notificationId: { type: "string", required: true, readOnly: true },
    kind: { type: notificationKinds, required: true, readOnly: true },
    title: { type: "string", required: true, readOnly: true },
    message: { type: "string", required: true, readOnly: true },
    /** What it is about, e.g. `{ type: "webhook", id: "whk_…" }`. */
    subjectType: { type: "string", required: true, readOnly: true },
    subjectId: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    /** Epoch seconds; the table's TTL attribute. */
    expiresAt: { type: "number", required: true, readOnly: true, field: tableDefinition.ttl },
  },
  indexes: {
    notificationsOfMember: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "memberId"] },
      sk: { field: primaryKeyFields.sk, composite: ["notificationId"] },
    },
  },
});
