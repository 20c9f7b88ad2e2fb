import "./support/aws-environment";
import { webhooksConfig } from "@crm/core/platform";
import { useHostResolver } from "@crm/core/webhook";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { aDomainEvent } from "../support/events";
import { anOrganisation } from "../support/organisations";
import { aResolver } from "./support/dns";
import { aWebhookReceiver, type WebhookReceiver } from "./support/receiver";
import { aWebhook, deliveriesOf, dispatch } from "./support/webhooks";

/**
 * As in AWS: no loopback allowance. The receiver listens on 127.0.0.1 anyway, counting connections, so that a
 * delivery the guard failed to stop would show up there.
 */
describe("a name that resolves to a public address when subscribed and to loopback when delivered", () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    expect(webhooksConfig().allowLoopback).toBe(false);
    receiver = await aWebhookReceiver();
  });
  afterAll(() => receiver.close());
  afterEach(() => useHostResolver());

  it("is refused at connect time, and nothing reaches the loopback address", async () => {
    let answer = ["93.184.215.14"];
    const dns = aResolver({ "hooks.rebind.example": () => answer });
    useHostResolver(dns);
    const org = await anOrganisation();
    const webhook = await aWebhook(org, { url: `https://hooks.rebind.example:${receiver.port}/crm` });

    answer = ["127.0.0.1"];
    await dispatch(aDomainEvent({ orgId: org.orgId }));

    const [delivery] = await deliveriesOf(org, webhook.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, responseStatus: null });
    expect(delivery?.error).toBe("Refused: hooks.rebind.example resolves to 127.0.0.1, a loopback address.");
    expect(dns.calls).toEqual(["hooks.rebind.example", "hooks.rebind.example"]);
    expect(receiver.connections).toBe(0);
  });

  it("is refused when any one of its addresses is private, not only the first", async () => {
    let answer = ["93.184.215.14"];
    useHostResolver(aResolver({ "hooks.split.example": () => answer }));
    const org = await anOrganisation();
    const webhook = await aWebhook(org, { url: `https://hooks.split.example:${receiver.port}/crm` });

    answer = ["93.184.215.14", "::ffff:127.0.0.1"];
    await dispatch(aDomainEvent({ orgId: org.orgId }));

    const [delivery] = await deliveriesOf(org, webhook.id);
    expect(delivery?.error).toBe("Refused: hooks.split.example resolves to ::ffff:127.0.0.1, a loopback address.");
    expect(receiver.connections).toBe(0);
  });
});
