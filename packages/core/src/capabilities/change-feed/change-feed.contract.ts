import type { ContractsOf } from "../../platform/route-contract";
import type { changeFeedRoutes } from "./change-feed.routes";
import { changeFeedPageSchema, changeFeedQuery } from "./change-feed.schema";

/** What the routes of change-feed.routes.ts accept and answer. */
export const changeFeedContracts = {
  "events.list": {
    summary: "Read the change feed",
    description:
      "The organisation's domain events in the order they were recorded, oldest first: the same events, with the same ids and schema, as webhooks and the WebSocket deliver. Store `nextCursor` and pass it as `after` to resume, now or up to 30 days later; it is there on every page, also an empty one, so a client polls from the head. The feed stops a few seconds before the present, so a cursor never passes an event still being recorded. Events are kept 30 days: an older cursor is 410, and the client resyncs.",
    tag: "Events",
    query: changeFeedQuery,
    response: { status: 200, description: "A page of the change feed.", schema: changeFeedPageSchema },
    errors: [410],
  },
} as const satisfies ContractsOf<typeof changeFeedRoutes>;
