import { z } from "zod";
import { pageCursor, pageLimit } from "../../platform/schema";
import { domainEventSchema, domainEventTypes } from "../events/domain-event.schema";

const eventTypeList = z
  .string()
  .transform((value) => [
    ...new Set(
      value
        .split(",")
        .map((type) => type.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(z.array(z.enum(domainEventTypes)).min(1, "Name at least one event type."));

export const changeFeedQuery = z.strictObject({
  after: pageCursor.optional().meta({
    description:
      "The `nextCursor` of the previous page: the feed continues right after it. Without it, the feed starts at its oldest event (30 days back). A cursor older than 30 days is 410.",
  }),
  types: eventTypeList.optional().meta({
    description: "Comma-separated event types to list; default all. The cursor still moves past the others.",
    example: "contact.created,deal.stage_changed",
  }),
  limit: pageLimit,
});
export type ChangeFeedQuery = z.infer<typeof changeFeedQuery>;

export const changeFeedPageSchema = z
  .object({
    data: z.array(domainEventSchema),
    nextCursor: z.string().meta({
      description:
        "Where this page ended: pass it as `after` for the next page, now or later. Always present, also on an empty page, so a client can store it and poll from there.",
    }),
    hasMore: z.boolean().meta({
      description:
        "True when the feed may hold more settled events after this page: ask again at once. False at the head: poll later.",
    }),
  })
  .meta({ id: "ChangeFeedPage" });
export type ChangeFeedPage = z.infer<typeof changeFeedPageSchema>;
