import { fieldIssuesOf } from "@crm/core/platform";
import type { Context, EventBridgeEvent } from "aws-lambda";
import type { z } from "zod";
import { loggedInvocation } from "./invocation";
import { logger } from "./logger";

type BusEvent = EventBridgeEvent<string, unknown>;

/** The keys of a domain-event-like detail that identify it in the logs, when it has them. */
function keysOf(detail: unknown): Record<string, string> {
  const { id, type, orgId } = (detail ?? {}) as Record<string, unknown>;
  const keys: Record<string, string> = {};
  if (typeof id === "string") keys.eventId = id;
  if (typeof type === "string") keys.eventType = type;
  if (typeof orgId === "string") keys.orgId = orgId;
  return keys;
}

/**
 * The issues of a detail, with each failed union (a subscriber taking several kinds of event) replaced by the issues
 * of the branch it came closest to, so the log names the field that is wrong rather than the whole detail.
 */
function closestIssues(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== "invalid_union" || issue.errors.length === 0) return [issue];
    const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
    return closestIssues(closest).map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
  });
}

/**
 * Builds an EventBridge subscriber: validates `detail` against `schema`, then runs `handle`. A detail that does not
 * parse never will, so it is logged at ERROR with its field issues and acknowledged: thrown, EventBridge would retry
 * it for a day. A failure of `handle` (a dependency down) is logged and thrown, so the bus retries the event;
 * `handle` must therefore be idempotent, as EventBridge delivers at least once anyway.
 */
export function busSubscriber<S extends z.ZodType>(
  schema: S,
  handle: (detail: z.output<S>, context: Context) => Promise<void>,
) {
  return loggedInvocation<BusEvent, void>().handler(async (envelope, context) => {
    logger.appendKeys({ busEventId: envelope.id, detailType: envelope["detail-type"] });
    const parsed = schema.safeParse(envelope.detail);
    if (!parsed.success) {
      logger.error("bus event can never be handled; acknowledged without retry", {
        issues: fieldIssuesOf("detail", closestIssues(parsed.error.issues)),
      });
      return;
    }
    logger.appendKeys(keysOf(parsed.data));
    try {
      await handle(parsed.data, context);
    } catch (error) {
      logger.error("bus event failed; the bus will retry it", { error: error as Error });
      throw error;
    }
  });
}
