import {
  busSubscriptions,
  exportEventSource,
  exportRequestedEventType,
  importEventSource,
  importRequestedEventType,
  integrationEventSource,
  syncRequestedEventType,
} from "@crm/core/declarations";
import { domainEventSchema } from "@crm/core/events";
import { busSubscriber } from "@crm/functions/platform";
import { importHandler, lambdaContext } from "@crm/local/gateway";
import type { Context, EventBridgeEvent } from "aws-lambda";
import { describe, expect, it, vi } from "vitest";
import { aDomainEvent, anEventBridgeEvent } from "../support/events";
import { logsOf } from "../support/logs";

// Before the handler modules load: their logger reads the level once, at cold start.
vi.hoisted(() => {
  process.env.LOG_LEVEL = "INFO";
});

type Subscriber = (envelope: EventBridgeEvent<string, unknown>, context: Context) => Promise<void>;

/**
 * An envelope whose detail the subscriber's schema will never accept, and the field it refuses: a domain event of
 * no known type, or (for the integrations' own sync requests) a request for no known provider, or (for imports and
 * exports) a request naming none.
 */
function aNeverParsingEnvelope(pattern: { source?: readonly unknown[] }) {
  const envelope = anEventBridgeEvent(aDomainEvent({ orgId: "org_never" }));
  if (pattern.source?.includes(integrationEventSource)) {
    return {
      envelope: {
        ...envelope,
        source: integrationEventSource,
        "detail-type": syncRequestedEventType,
        detail: { provider: "hotmail", orgId: "org_never", connectionId: "int_never" },
      } as EventBridgeEvent<string, unknown>,
      refusedPath: "detail.provider",
    };
  }
  // The import's and export's own run requests: a request naming no import or export.
  for (const [source, detailType, field] of [
    [importEventSource, importRequestedEventType, "importId"],
    [exportEventSource, exportRequestedEventType, "exportId"],
  ] as const) {
    if (pattern.source?.includes(source)) {
      return {
        envelope: {
          ...envelope,
          source,
          "detail-type": detailType,
          detail: { orgId: "org_never" },
        } as EventBridgeEvent<string, unknown>,
        refusedPath: `detail.${field}`,
      };
    }
  }
  return {
    envelope: {
      ...envelope,
      "detail-type": "contact.exploded",
      detail: { ...envelope.detail, type: "contact.exploded" },
    } as EventBridgeEvent<string, unknown>,
    refusedPath: "detail.type",
  };
}

describe("bus subscribers", () => {
  it.each(Object.entries(busSubscriptions))(
    "%s acknowledges an event that can never parse and logs it at ERROR with its id, type and field issues",
    async (name, subscription) => {
      const handler = await importHandler<Subscriber>(subscription.handler);
      const { envelope, refusedPath } = aNeverParsingEnvelope(subscription.pattern);

      let outcome: unknown = "not run";
      const logs = await logsOf(async () => {
        outcome = await handler(envelope, lambdaContext(`bus-${name}`)).catch((error: unknown) => error);
      });

      expect(outcome).toBeUndefined();
      const refused = logs.find((entry) => entry.level === "ERROR");
      expect(refused).toMatchObject({
        busEventId: envelope.id,
        detailType: envelope["detail-type"],
        function_name: `bus-${name}`,
        issues: [expect.objectContaining({ path: refusedPath })],
      });
    },
  );

  it("throws when its handler fails, so the bus retries the event, and logs the failure with the event's keys", async () => {
    const outage = new Error("Simulated failure: the table is on fire");
    const handler = busSubscriber(domainEventSchema, async () => {
      throw outage;
    });
    const event = aDomainEvent({ orgId: "org_outage" });

    let outcome: unknown;
    const logs = await logsOf(async () => {
      outcome = await handler(anEventBridgeEvent(event), lambdaContext("bus-test")).catch((error: unknown) => error);
    });

    expect(outcome).toBe(outage);
    expect(logs.find((entry) => entry.level === "ERROR")).toMatchObject({
      eventId: event.id,
      eventType: event.type,
      orgId: "org_outage",
      function_name: "bus-test",
    });
  });

  it("hands a parsed event to its handler with the Lambda context, and keeps no keys for the next invocation", async () => {
    const seen: { id: string; remaining: number }[] = [];
    const handler = busSubscriber(domainEventSchema, async (event, context) => {
      seen.push({ id: event.id, remaining: context.getRemainingTimeInMillis() });
    });
    const first = aDomainEvent({ orgId: "org_first" });

    await logsOf(() => handler(anEventBridgeEvent(first), lambdaContext("bus-test")));
    const logs = await logsOf(() => handler(aNeverParsingEnvelope({}).envelope, lambdaContext("bus-test")));

    expect(seen).toEqual([{ id: first.id, remaining: expect.any(Number) }]);
    expect(logs.find((entry) => entry.level === "ERROR")?.orgId).toBeUndefined();
  });
});
