import { busSubscriptions, schedules } from "@crm/core/declarations";
import type { DomainEvent } from "@crm/core/events";
import { importHandler, lambdaContext } from "@crm/local/gateway";
import type { Context, EventBridgeEvent } from "aws-lambda";
import { expect, vi } from "vitest";
import { invoke } from "../../support/api-events";
import { anEventBridgeEvent } from "../../support/events";
import type { TestOrganisation } from "../../support/organisations";

type Handler<E> = (event: E, context: Context) => Promise<unknown>;

/** Creates a webhook through the API as the organisation's admin; the response includes its secret. */
export async function aWebhook(org: TestOrganisation, body: Record<string, unknown>) {
  const response = await invoke("webhooks.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { events: ["*"], ...body },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; secret: string; [field: string]: unknown };
}

/** The webhook's delivery log, newest first, as its admin reads it. */
export async function deliveriesOf(org: TestOrganisation, webhookId: string) {
  const response = await invoke("webhooks.listDeliveries", {
    token: org.admin.token,
    params: { orgId: org.orgId, webhookId },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies dynamically
  return response.body.data as Record<string, any>[];
}

export async function webhookOf(org: TestOrganisation, webhookId: string) {
  const response = await invoke("webhooks.get", { token: org.admin.token, params: { orgId: org.orgId, webhookId } });
  expect(response.status).toBe(200);
  return response.body;
}

/** Delivers a domain event as the bus does: the webhooks subscriber gets the EventBridge envelope. */
export async function dispatch(event: DomainEvent) {
  const handler = await importHandler<Handler<EventBridgeEvent<string, DomainEvent>>>(
    busSubscriptions.webhooks.handler,
  );
  await handler(anEventBridgeEvent(event), lambdaContext("webhook-dispatch"));
}

/** One run of the scheduled retry job. */
export async function runRetryJob() {
  const handler = await importHandler<Handler<unknown>>(schedules.webhookRetries.handler);
  return handler({}, lambdaContext("webhook-retries"));
}

/**
 * Runs `action` with the clock (Date only) at `time`, then puts it back. API calls belong outside: tokens are
 * signed in real time and would have expired in the future.
 */
export async function at<T>(time: string | Date, action: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ["Date"], now: new Date(time) });
  try {
    return await action();
  } finally {
    vi.useRealTimers();
  }
}

/** A moment just after `time`. */
export const justAfter = (time: string) => new Date(Date.parse(time) + 1000);
