import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { websocketAuthorizer, websocketRoutes } from "@crm/core/declarations";
import { connectMethodArn, startWebSocketGateway, type WebSocketGateway } from "@crm/local/websocket";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ConnectionRefused, RealtimeClient } from "../support/realtime";

// biome-ignore lint/suspicious/noExplicitAny: the tests inspect events dynamically
type AnyEvent = Record<string, any>;
type Invocation = { handler: string; event: AnyEvent };

const allow = (methodArn: string) => ({
  principalId: "user_1",
  policyDocument: {
    Version: "2012-10-17",
    Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: methodArn }],
  },
  context: { userId: "user_1", email: "ada@example.com" },
});

/** The local WebSocket gateway with stand-in handlers that record their events and answer what the test asks for. */
describe("the local WebSocket gateway", () => {
  let gateway: WebSocketGateway;
  let management: ApiGatewayManagementApiClient;
  const invocations: Invocation[] = [];
  let authorize: (event: AnyEvent) => unknown;
  let onConnect: () => unknown;
  let onMessage: () => unknown;
  const clients: RealtimeClient[] = [];

  const invoked = (handler: string) => invocations.filter((invocation) => invocation.handler === handler);
  const routeOf = (routeKey: keyof typeof websocketRoutes) => websocketRoutes[routeKey].handler;
  const connect = async (token = "good") => {
    const client = await RealtimeClient.connect(gateway.url, token);
    clients.push(client);
    return client;
  };
  const refusal = (url: string, token?: string) =>
    RealtimeClient.connect(url, token).then(
      () => 0,
      (error: unknown) => (error instanceof ConnectionRefused ? error.status : -1),
    );
  /** The id of the connection whose `$connect` ran last. */
  const lastConnectionId = () => invoked(routeOf("$connect")).at(-1)?.event.requestContext.connectionId as string;

  beforeAll(async () => {
    gateway = await startWebSocketGateway({
      port: 0,
      log: () => undefined,
      loadHandler: async (handler) => async (event: never) => {
        invocations.push({ handler, event });
        if (handler === websocketAuthorizer.handler) return authorize(event);
        if (handler === routeOf("$connect")) return onConnect();
        if (handler === routeOf("$disconnect")) return { statusCode: 200 };
        return onMessage();
      },
    });
    management = new ApiGatewayManagementApiClient({
      endpoint: gateway.managementEndpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  });
  beforeEach(() => {
    authorize = (event) => allow(event.methodArn);
    onConnect = () => ({ statusCode: 200 });
    onMessage = () => ({ statusCode: 200 });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    management.destroy();
    await gateway.close();
  });

  describe("on connect", () => {
    it("runs the REQUEST authorizer with the query string and the $connect ARN", async () => {
      await connect("the-token");

      const [authorizer] = invoked(websocketAuthorizer.handler).slice(-1);
      expect(authorizer?.event).toMatchObject({
        type: "REQUEST",
        methodArn: "arn:aws:execute-api:us-east-1:000000000000:local/$default/$connect",
        queryStringParameters: { token: "the-token" },
        multiValueQueryStringParameters: { token: ["the-token"] },
        headers: { Host: new URL(gateway.url).host, Upgrade: "websocket" },
        requestContext: { routeKey: "$connect", eventType: "CONNECT", stage: "$default", apiId: "local" },
      });
    });

    it("then runs $connect with the connection's context and the authorizer's principal and context", async () => {
      await connect();

      const authorizer = invoked(websocketAuthorizer.handler).at(-1);
      const connectEvent = invoked(routeOf("$connect")).at(-1)?.event;
      expect(connectEvent).toMatchObject({
        queryStringParameters: { token: "good" },
        isBase64Encoded: false,
        requestContext: {
          routeKey: "$connect",
          eventType: "CONNECT",
          messageDirection: "IN",
          stage: "$default",
          apiId: "local",
          domainName: new URL(gateway.url).host,
          connectedAt: expect.any(Number),
          requestTimeEpoch: expect.any(Number),
          requestTime: expect.stringMatching(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
          requestId: expect.any(String),
          identity: { sourceIp: "127.0.0.1" },
          authorizer: { principalId: "user_1", userId: "user_1", email: "ada@example.com" },
        },
      });
      // Connection ids look like API Gateway's: 16 base64 characters, case-sensitive.
      expect(connectEvent?.requestContext.connectionId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
      expect(connectEvent?.requestContext.connectionId).toBe(authorizer?.event.requestContext.connectionId);
    });

    it("answers 401 without invoking the authorizer when there is no token", async () => {
      const before = invoked(websocketAuthorizer.handler).length;

      expect(await refusal(gateway.url)).toBe(401);
      expect(invoked(websocketAuthorizer.handler)).toHaveLength(before);
    });

    it("answers 401 when the authorizer throws Unauthorized, 403 when its policy denies, 500 when it fails", async () => {
      authorize = () => {
        throw new Error("Unauthorized");
      };
      expect(await refusal(gateway.url, "bad")).toBe(401);
      authorize = (event) => ({
        ...allow(event.methodArn),
        policyDocument: { Statement: [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: event.methodArn }] },
      });
      expect(await refusal(gateway.url, "denied")).toBe(403);
      authorize = () => allow("arn:aws:execute-api:us-east-1:000000000000:other/$default/$connect");
      expect(await refusal(gateway.url, "other-api")).toBe(403);
      authorize = () => {
        throw new Error("boom");
      };
      expect(await refusal(gateway.url, "broken")).toBe(500);
    });

    it("refuses the upgrade with $connect's own status when it is not 2xx, and 500 when it throws", async () => {
      const connectsBefore = invoked(routeOf("$connect")).length;
      onConnect = () => ({ statusCode: 403 });
      expect(await refusal(gateway.url, "good")).toBe(403);
      onConnect = () => {
        throw new Error("boom");
      };
      expect(await refusal(gateway.url, "good")).toBe(500);
      expect(invoked(routeOf("$connect"))).toHaveLength(connectsBefore + 2);
    });
  });

  it("routes a message by its JSON action, and anything else to $default", async () => {
    const client = await connect();
    const messages = [
      JSON.stringify({ action: "subscribe", orgId: "org_1" }),
      JSON.stringify({ action: "unsubscribe" }),
      JSON.stringify({ action: "dance" }),
      JSON.stringify({ action: "$connect" }),
      JSON.stringify({ orgId: "org_1" }),
      "not json",
    ];
    const before = invocations.length;

    for (const message of messages) client.send(message);

    await vi.waitFor(() => expect(invocations.length - before).toBe(messages.length));
    const routed = invocations.slice(before).map(({ handler, event }) => [event.body, handler, event.requestContext]);
    expect(routed).toEqual(
      expect.arrayContaining([
        [messages[0], routeOf("subscribe"), expect.objectContaining({ routeKey: "subscribe", eventType: "MESSAGE" })],
        [messages[1], routeOf("unsubscribe"), expect.objectContaining({ routeKey: "unsubscribe" })],
        ...messages
          .slice(2)
          .map((body) => [body, routeOf("$default"), expect.objectContaining({ routeKey: "$default" })]),
      ]),
    );
    const [, , context] = routed[0] ?? [];
    expect(context).toMatchObject({ connectionId: lastConnectionId(), messageId: expect.any(String) });
  });

  it("sends API Gateway's error message when a route's handler fails", async () => {
    const client = await connect();
    onMessage = () => {
      throw new Error("boom");
    };

    client.send("{}");

    expect(await client.next()).toEqual({
      message: "Internal server error",
      connectionId: lastConnectionId(),
      requestId: expect.any(String),
    });
  });

  it("runs $disconnect with the close code when the client closes", async () => {
    const client = await connect();
    const connectionId = lastConnectionId();

    await client.close();

    await vi.waitFor(() =>
      expect(invoked(routeOf("$disconnect")).at(-1)?.event).toMatchObject({
        requestContext: {
          routeKey: "$disconnect",
          eventType: "DISCONNECT",
          connectionId,
          disconnectStatusCode: 1000,
          disconnectReason: "done",
        },
      }),
    );
  });

  describe("the @connections management API, through the real SDK client", () => {
    it("posts data to a connection", async () => {
      const client = await connect();

      await management.send(
        new PostToConnectionCommand({ ConnectionId: lastConnectionId(), Data: JSON.stringify({ hello: "there" }) }),
      );

      expect(await client.next()).toEqual({ hello: "there" });
    });

    it("describes a connection, and deletes it (running $disconnect)", async () => {
      const client = await connect();
      const connectionId = lastConnectionId();

      const described = await management.send(new GetConnectionCommand({ ConnectionId: connectionId }));
      await management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));

      expect(described.ConnectedAt).toBeInstanceOf(Date);
      expect(described.Identity?.SourceIp).toBe("127.0.0.1");
      await vi.waitFor(() =>
        expect(invoked(routeOf("$disconnect")).some((i) => i.event.requestContext.connectionId === connectionId)).toBe(
          true,
        ),
      );
      expect(await client.closed).toBe(1000);
    });

    it("throws GoneException for a connection it does not know, or one whose id differs only by case", async () => {
      await connect();
      const known = lastConnectionId();
      const otherCase = known === known.toLowerCase() ? known.toUpperCase() : known.toLowerCase();

      for (const connectionId of ["Tm9TdWNoQ29ubjE=", otherCase]) {
        const post = management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: "x" }));
        await expect(post).rejects.toBeInstanceOf(GoneException);
        await expect(post).rejects.toMatchObject({ $metadata: { httpStatusCode: 410 } });
      }
    });

    it("also serves the path without the stage, and refuses messages over 128 KB", async () => {
      const client = await connect();
      const base = gateway.managementEndpoint.replace(/\/\$default$/, "");
      const url = `${base}/@connections/${encodeURIComponent(lastConnectionId())}`;

      const posted = await fetch(url, { method: "POST", body: '{"via":"bare path"}' });
      const tooLarge = await fetch(url, { method: "POST", body: "x".repeat(128 * 1024 + 1) });

      expect(posted.status).toBe(200);
      expect(await client.next()).toEqual({ via: "bare path" });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.headers.get("x-amzn-errortype")).toBe("PayloadTooLargeException");
    });
  });

  it("closes every connection and waits for their $disconnect when it stops", async () => {
    const own = await startWebSocketGateway({
      port: 0,
      log: () => undefined,
      loadHandler: async (handler) => async () => {
        if (handler === websocketAuthorizer.handler) return allow(connectMethodArn());
        if (handler === routeOf("$disconnect")) {
          // A slow $disconnect handler: close() must wait for it, not merely start it.
          await new Promise((resolve) => setTimeout(resolve, 50));
          disconnected++;
        }
        return { statusCode: 200 };
      },
    });
    let disconnected = 0;
    const sockets = await Promise.all([1, 2, 3].map(() => RealtimeClient.connect(own.url, "good")));
    expect(own.connectionCount()).toBe(sockets.length);

    await own.close();

    expect(disconnected).toBe(3);
    expect(own.connectionCount()).toBe(0);
    await expect(fetch(own.managementEndpoint)).rejects.toThrow();
  });
});
