import type { WebSocketGateway } from "@crm/local/websocket";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { tokenFor } from "../support/identity";
import { logsOf } from "../support/logs";
import { ConnectionRefused, RealtimeClient, startRealtimeGateway } from "../support/realtime";

// Before the handler modules load, since they read the configuration and the log level once: the verifier gets no
// local keys and must fetch them over https, as in AWS, from a port that was just closed, as when the identity
// provider's endpoint is down.
const { unreachableJwksUri } = await vi.hoisted(async () => {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const unreachableJwksUri = `https://127.0.0.1:${port}/local-idp/.well-known/jwks.json`;
  const { jwks: _localKeys, ...auth } = JSON.parse(process.env.SST_RESOURCE_Auth ?? "{}");
  process.env.SST_RESOURCE_Auth = JSON.stringify({ ...auth, jwksUri: unreachableJwksUri });
  process.env.LOG_LEVEL = "INFO";
  return { unreachableJwksUri };
});

describe("when the identity provider's keys cannot be fetched", () => {
  let gateway: WebSocketGateway;
  beforeAll(async () => {
    gateway = await startRealtimeGateway();
  });
  afterAll(async () => {
    await gateway.close();
  });

  it("the API answers 503 with Retry-After, not 401, and says nothing of its internals", async () => {
    let response: Awaited<ReturnType<typeof invoke>> | undefined;
    const logs = await logsOf(async () => {
      response = await invoke("orgs.list", { token: tokenFor("someone@example.com") });
    });

    expect(response?.status).toBe(503);
    expect(response?.body).toMatchObject({ status: 503, code: "service-unavailable" });
    expect(Number(response?.headers["retry-after"])).toBeGreaterThan(0);
    // A client must not throw its token away over our outage.
    expect(response?.headers["www-authenticate"]).toBeUndefined();
    const body = JSON.stringify(response?.body);
    for (const internal of [unreachableJwksUri, "127.0.0.1", "ECONNREFUSED", "fetch", "jwks"]) {
      expect(body.toLowerCase()).not.toContain(internal.toLowerCase());
    }

    const failure = logs.find((entry) => entry.message === "request failed");
    expect(failure?.level).toBe("ERROR");
    expect(JSON.stringify(failure?.error)).toMatch(/ECONNREFUSED/);
    expect(logs.find((entry) => entry.message === "request refused")).toBeUndefined();
  });

  it("the WebSocket authorizer fails, which API Gateway answers 500, rather than refusing the token", async () => {
    let status: number | undefined;
    const logs = await logsOf(async () => {
      status = await RealtimeClient.connect(gateway.url, tokenFor("someone@example.com")).then(
        (client) => client.close().then(() => 101),
        (error: unknown) => (error instanceof ConnectionRefused ? error.status : -1),
      );
    });

    expect(status).toBe(500);
    const failure = logs.find((entry) => entry.level === "ERROR");
    expect(failure?.message).toBe("authorizer failed");
    expect(JSON.stringify(failure?.error)).toMatch(/ECONNREFUSED/);
    expect(logs.find((entry) => entry.message === "connection refused")).toBeUndefined();
  });
});
