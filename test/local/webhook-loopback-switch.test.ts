import { handlerEnvironment, loopbackWebhooksSwitch } from "@crm/local/cloud";
import { describe, expect, it } from "vitest";

const environmentWith = (allowLoopbackWebhooks: boolean) =>
  handlerEnvironment({
    tableName: "crm-test",
    dynamodbEndpoint: "http://127.0.0.1:8000",
    auth: { issuer: "http://127.0.0.1:3000/local-idp", audience: "crm", jwks: { keys: [] } },
    cursorSigningKey: "a-cursor-signing-key-long-enough",
    allowLoopbackWebhooks,
  });

describe("the local cloud's loopback allowance for webhooks", () => {
  it("is on by default and off with WEBHOOKS_ALLOW_LOOPBACK=false, and any other value stops the start", () => {
    expect(loopbackWebhooksSwitch(undefined)).toBe(true);
    expect(loopbackWebhooksSwitch("true")).toBe(true);
    expect(loopbackWebhooksSwitch("false")).toBe(false);
    expect(() => loopbackWebhooksSwitch("no")).toThrow(/true or false/);
  });

  it("reaches the handlers as it was set, never overridden by the local cloud", () => {
    expect(environmentWith(false).WEBHOOKS_ALLOW_LOOPBACK).toBe("false");
    expect(environmentWith(true).WEBHOOKS_ALLOW_LOOPBACK).toBe("true");
  });
});
