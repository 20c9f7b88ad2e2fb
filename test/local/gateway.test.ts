import { request as httpRequest } from "node:http";
import { type LambdaHandler, startHttpGateway } from "@crm/local/gateway";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The gateway with stand-in handlers that record the event they get and answer what the test asks for. */
describe("the local HTTP gateway", () => {
  let gateway: Awaited<ReturnType<typeof startHttpGateway>>;
  let lastEvent: APIGatewayProxyEventV2 | undefined;
  let lastHandler = "";
  let answer: Awaited<ReturnType<LambdaHandler>> | (() => never) = { statusCode: 200 };

  beforeAll(async () => {
    gateway = await startHttpGateway({
      port: 0,
      maxBodyBytes: 1024,
      loadHandler: async (handler) => async (event) => {
        lastEvent = event;
        lastHandler = handler;
        return typeof answer === "function" ? answer() : answer;
      },
    });
  });
  afterAll(() => gateway.close());

  /** Raw HTTP, so repeated headers and cookies arrive exactly as sent. */
  const send = (method: string, path: string, headers: [string, string][] = [], body?: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
      (resolve, reject) => {
        const flat: string[] = [["host", new URL(gateway.url).host] as [string, string], ...headers].flat();
        const request = httpRequest(
          `${gateway.url}${path}`,
          { method, headers: flat as unknown as Record<string, string> },
          (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk) => chunks.push(chunk));
            response.on("end", () =>
              resolve({
                status: response.statusCode ?? 0,
                headers: response.headers,
                body: Buffer.concat(chunks).toString(),
              }),
            );
          },
        );
        request.on("error", reject);
        request.end(body);
      },
    );

  it("builds API Gateway's payload-2.0 event for a route", async () => {
    answer = { statusCode: 200 };
    await send("GET", "/v1/orgs/org_1/contacts/con_2?tag=a&tag=b&limit=5", [
      ["X-Custom", "one"],
      ["x-custom", "two"],
      ["Cookie", "session=abc; theme=dark"],
      ["User-Agent", "gateway-test"],
    ]);
    expect(lastHandler).toBe("packages/functions/src/http/contacts/get.handler");
    expect(lastEvent).toMatchObject({
      version: "2.0",
      routeKey: "GET /v1/orgs/{orgId}/contacts/{contactId}",
      rawPath: "/v1/orgs/org_1/contacts/con_2",
      rawQueryString: "tag=a&tag=b&limit=5",
      cookies: ["session=abc", "theme=dark"],
      queryStringParameters: { tag: "a,b", limit: "5" },
      pathParameters: { orgId: "org_1", contactId: "con_2" },
      isBase64Encoded: false,
      requestContext: {
        routeKey: "GET /v1/orgs/{orgId}/contacts/{contactId}",
        stage: "$default",
        http: {
          method: "GET",
          path: "/v1/orgs/org_1/contacts/con_2",
          sourceIp: "127.0.0.1",
          userAgent: "gateway-test",
        },
      },
    });
    expect(lastEvent?.headers["x-custom"]).toBe("one,two");
    expect(lastEvent?.headers.cookie).toBeUndefined();
    expect(lastEvent?.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(lastEvent?.body).toBeUndefined();
  });

  it("passes JSON bodies as text and binary bodies base64-encoded", async () => {
    await send("POST", "/v1/orgs", [["content-type", "application/json"]], Buffer.from('{"name":"x"}'));
    expect(lastEvent).toMatchObject({ body: '{"name":"x"}', isBase64Encoded: false });
    const binary = Buffer.from([0, 1, 2, 255]);
    await send("POST", "/v1/orgs", [["content-type", "application/octet-stream"]], binary);
    expect(lastEvent).toMatchObject({ body: binary.toString("base64"), isBase64Encoded: true });
  });

  it("sends unmatched paths and wrong methods to the $default fallback", async () => {
    await send("GET", "/nowhere");
    expect(lastHandler).toBe("packages/functions/src/http/fallback.handler");
    expect(lastEvent?.routeKey).toBe("$default");
    await send("PUT", "/v1/orgs");
    expect(lastEvent?.routeKey).toBe("$default");
  });

  it("maps the result back: status, headers, one Set-Cookie per cookie, base64 bodies decoded", async () => {
    answer = {
      statusCode: 201,
      headers: { "X-Result": "yes", "content-type": "image/png" },
      cookies: ["a=1; Path=/", "b=2; HttpOnly"],
      body: Buffer.from([137, 80, 78, 71]).toString("base64"),
      isBase64Encoded: true,
    };
    const response = await send("GET", "/health");
    expect(response.status).toBe(201);
    expect(response.headers["x-result"]).toBe("yes");
    expect(response.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; HttpOnly"]);
    expect(Buffer.from(response.body, "latin1").length).toBeGreaterThan(0);
  });

  it("treats a result without a statusCode as a 200 JSON body, like API Gateway", async () => {
    answer = { hello: "world" } as unknown as Awaited<ReturnType<LambdaHandler>>;
    const response = await send("GET", "/health");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ hello: "world" });
  });

  it("answers 500 like API Gateway when a handler throws, and keeps serving", async () => {
    answer = () => {
      throw new Error("boom");
    };
    const failed = await send("GET", "/health");
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ message: "Internal Server Error" });
    answer = { statusCode: 204 };
    expect((await send("GET", "/health")).status).toBe(204);
  });

  it("refuses bodies over API Gateway's payload limit with 413 without invoking the handler", async () => {
    lastEvent = undefined;
    const response = await send("POST", "/v1/orgs", [["content-type", "application/json"]], Buffer.alloc(2048, 32));
    expect(response.status).toBe(413);
    expect(lastEvent).toBeUndefined();
  });

  it("answers CORS preflights itself and adds CORS headers to responses, as the declared policy says", async () => {
    const preflight = await send("OPTIONS", "/v1/orgs", [
      ["origin", "https://app.example"],
      ["access-control-request-method", "POST"],
    ]);
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-methods"]).toContain("POST");
    expect(preflight.headers["access-control-allow-headers"]).toContain("authorization");
    answer = { statusCode: 200, body: "{}" };
    const response = await send("GET", "/health", [["origin", "https://app.example"]]);
    expect(response.headers["access-control-allow-origin"]).toBe("*");
    // What a browser client must be able to read: versions, new records, limits, replays, retries.
    expect(String(response.headers["access-control-expose-headers"]).split(",")).toEqual(
      expect.arrayContaining([
        "etag",
        "location",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "idempotent-replayed",
        "retry-after",
        "x-request-id",
      ]),
    );
  });
});
