import { changeFeedContracts, readChangeFeed } from "@crm/core/change-feed";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("events.list", changeFeedContracts, async ({ tenant, query }) =>
  readChangeFeed(tenant, query),
);
