import { domainEventSchema } from "@crm/core/events";
import { releaseFilesOfDeletedActivity } from "@crm/core/file";
import { busSubscriber } from "../platform/bus-subscriber";
import { logger } from "../platform/logger";

/**
 * Bus subscriber of `activity.deleted` (its pattern): the files of a deleted activity let go of it, or go to the
 * trash when they were on it alone. A redelivery finds nothing left to do.
 */
export const handler = busSubscriber(domainEventSchema, async (event) => {
  if (event.type !== "activity.deleted") return;
  const outcome = await releaseFilesOfDeletedActivity(event.orgId, event.record.id);
  logger.info("activity's files released", { activityId: event.record.id, ...outcome });
});
