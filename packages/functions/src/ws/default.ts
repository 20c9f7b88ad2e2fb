import { websocketRoutes } from "@crm/core/declarations";
import { ValidationError } from "@crm/core/platform";
import { z } from "zod";
import { websocketMessageRoute } from "../platform/websocket-route";

const actions = Object.keys(websocketRoutes).filter((route) => !route.startsWith("$"));

/** Messages whose `action` names no route: the answer lists the actions there are. */
export const handler = websocketMessageRoute("$default", z.unknown(), async () => {
  throw new ValidationError(
    [{ path: "body.action", message: `Must be one of ${actions.join(", ")}.` }],
    `Unknown action; send one of ${actions.join(", ")}.`,
  );
});
