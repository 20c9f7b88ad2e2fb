import { createHmac, randomBytes } from "node:crypto";
import { hmacSha256Matches, webhookReceiver } from "@crm/functions/platform";
import { lambdaContext } from "@crm/local/gateway";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { anApiEvent } from "../support/api-events";
import { logsOf } from "../support/logs";

// Before the factory's logger loads: it reads the level once, at cold start.
vi.hoisted(() => {
  process.env.LOG_LEVEL = "INFO";
});

const signatureHeader = "x-provider-signature";
const notificationSchema = z.object({ eventId: z.string(), amount: z.number() }).strict();

const signed = (secret: Buffer, payload: string | Buffer) =>
  createHmac("sha256", secret).update(payload).digest("base64");

/** A provider's POST as API Gateway hands it to the function; `body` is the text on the wire. */
function aProviderPost(body: string, headers: Record<string, string> = {}, base64 = false): APIGatewayProxyEventV2 {
  const event = anApiEvent("health.get", { rawBody: body, headers });
  return {
    ...event,
    routeKey: "POST /webhooks/provider",
    rawPath: "/webhooks/provider",
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: "POST" } },
    body: base64 ? Buffer.from(body).toString("base64") : body,
    isBase64Encoded: base64,
  };
}

/** A receiver verifying the provider's HMAC-SHA256 header, recording what its handler and verifier were given. */
function aReceiver(options: { fails?: boolean } = {}) {
  const secret = randomBytes(32);
  const handled: z.output<typeof notificationSchema>[] = [];
  const verified: Buffer[] = [];
  const handler = webhookReceiver({
    verify: ({ rawBody, headers }) => {
      verified.push(rawBody);
      return hmacSha256Matches({ secret, payload: rawBody, signature: headers[signatureHeader], encoding: "base64" });
    },
    schema: notificationSchema,
    handle: async ({ body }) => {
      if (options.fails) throw new Error("Simulated failure: the table is on fire");
      handled.push(body);
    },
  });
  const receive = async (event: APIGatewayProxyEventV2) => {
    const result = await handler(event, lambdaContext("webhook-provider"));
    return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
  };
  return { secret, handled, verified, receive };
}

const notification = JSON.stringify({ eventId: "evt_1", amount: 12.5 });

describe("an incoming provider webhook", () => {
  it("is handled when its signature matches its raw body, and answered 200 with the standard headers", async () => {
    const receiver = aReceiver();

    const response = await receiver.receive(
      aProviderPost(notification, { [signatureHeader]: signed(receiver.secret, notification) }),
    );

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ "x-content-type-options": "nosniff", "cache-control": "no-store" });
    expect(receiver.handled).toEqual([{ eventId: "evt_1", amount: 12.5 }]);
  });

  it("without a signature, with a wrong one or a short one, is answered the same 401 and not handled", async () => {
    const receiver = aReceiver();
    const wrong = signed(randomBytes(32), notification);

    const answers = await Promise.all(
      ([{}, { [signatureHeader]: wrong }, { [signatureHeader]: "c2hvcnQ=" }] as Record<string, string>[]).map(
        (headers) => receiver.receive(aProviderPost(notification, headers)),
      ),
    );

    for (const answer of answers) {
      expect(answer.statusCode).toBe(401);
      expect(answer.json).toMatchObject({ code: "unauthorized", detail: answers[0]?.json.detail });
    }
    expect(receiver.handled).toEqual([]);
  });

  it("whose body was changed after signing is refused with 401", async () => {
    const receiver = aReceiver();
    const signature = signed(receiver.secret, notification);
    const tampered = JSON.stringify({ eventId: "evt_1", amount: 9999 });

    const response = await receiver.receive(aProviderPost(tampered, { [signatureHeader]: signature }));

    expect(response.statusCode).toBe(401);
    expect(receiver.handled).toEqual([]);
  });

  it("that API Gateway base64-encoded is verified over the bytes the provider signed", async () => {
    const receiver = aReceiver();
    const body = JSON.stringify({ eventId: "evt_é", amount: 1 });

    const response = await receiver.receive(
      aProviderPost(body, { [signatureHeader]: signed(receiver.secret, Buffer.from(body)) }, true),
    );

    expect(response.statusCode).toBe(200);
    expect(receiver.verified[0]?.toString("utf8")).toBe(body);
    expect(receiver.handled).toEqual([{ eventId: "evt_é", amount: 1 }]);
  });

  it("is not parsed before its signature is checked: unsigned malformed JSON is a 401, not a 400", async () => {
    const receiver = aReceiver();

    const response = await receiver.receive(aProviderPost("{not json", { [signatureHeader]: "bm90IGl0" }));

    expect(response.statusCode).toBe(401);
  });

  it("with a valid signature over malformed JSON is a 400 malformed-json problem", async () => {
    const receiver = aReceiver();
    const malformed = '{"eventId": "evt_1",';

    const response = await receiver.receive(
      aProviderPost(malformed, { [signatureHeader]: signed(receiver.secret, malformed) }),
    );

    expect(response.statusCode).toBe(400);
    expect(response.headers?.["content-type"]).toBe("application/problem+json");
    expect(response.json).toMatchObject({ code: "malformed-json", status: 400 });
    expect(receiver.handled).toEqual([]);
  });

  it("that is signed but not the notification the receiver expects is a 400 naming the fields", async () => {
    const receiver = aReceiver();
    const unexpected = JSON.stringify({ eventId: 7, amount: 1 });

    const response = await receiver.receive(
      aProviderPost(unexpected, { [signatureHeader]: signed(receiver.secret, unexpected) }),
    );

    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({ code: "validation-failed", errors: [{ path: "body.eventId" }] });
  });

  it("whose handling fails on our side is an opaque 500 logged as an error, so the provider retries it", async () => {
    const receiver = aReceiver({ fails: true });
    let response: Awaited<ReturnType<typeof receiver.receive>> | undefined;

    const logs = await logsOf(async () => {
      response = await receiver.receive(
        aProviderPost(notification, { [signatureHeader]: signed(receiver.secret, notification) }),
      );
    });

    expect(response?.statusCode).toBe(500);
    expect(response?.body).not.toContain("on fire");
    expect(logs.find((entry) => entry.level === "ERROR")).toMatchObject({
      route: "POST /webhooks/provider",
      function_name: "webhook-provider",
    });
  });
});
