import { domainEventSchema } from "@crm/core/events";
import { reconcileTagIndex } from "@crm/core/tag-index";
import { busSubscriber } from "../platform/bus-subscriber";
import { logger } from "../platform/logger";

/**
 * Bus subscriber of every contact, company and deal event (its pattern): keeps the tag index that serves `?tag=` on
 * their lists, from the record as it is now, so a redelivered or late event changes nothing that is right already.
 */
export const handler = busSubscriber(domainEventSchema, async (event) => {
  const outcome = await reconcileTagIndex(event);
  if (outcome && outcome.put + outcome.deleted > 0) logger.info("tag index reconciled", outcome);
});
