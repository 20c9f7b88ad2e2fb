import "./support/aws-environment";
import { webhooksConfig } from "@crm/core/platform";
import { maxWebhooksPerOrganisation, useHostResolver } from "@crm/core/webhook";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { anOrganisation, type TestOrganisation } from "../support/organisations";
import { aResolver } from "./support/dns";
import { aWebhook } from "./support/webhooks";

const secretFormat = /^whsec_[A-Za-z0-9+/]{43}=$/;

beforeAll(() => {
  expect(webhooksConfig().allowLoopback).toBe(false);
  useHostResolver(
    aResolver({
      "hooks.example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
      "internal.example.com": ["10.1.2.3"],
      "mixed.example.com": ["93.184.215.14", "192.168.0.10"],
      "metadata.example.com": ["169.254.169.254"],
      "cgnat.example.com": ["100.100.100.200"],
      "mapped.example.com": ["::ffff:10.0.0.1"],
    }),
  );
});
afterAll(() => useHostResolver());

function webhookRoute(org: TestOrganisation, webhookId?: string) {
  return { token: org.admin.token, params: { orgId: org.orgId, ...(webhookId ? { webhookId } : {}) } };
}

describe("managing webhooks", () => {
  it("creates a webhook and shows its secret once, in that response only", async () => {
    const org = await anOrganisation();

    const created = await invoke("webhooks.create", {
      ...webhookRoute(org),
      body: { url: "https://hooks.example.com/crm", events: ["deal.created"], description: "Deals to the warehouse" },
    });

    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/v1/orgs/${org.orgId}/webhooks/${created.body.id}`);
    expect(created.headers.etag).toBe('"1"');
    expect(created.body).toMatchObject({
      url: "https://hooks.example.com/crm",
      events: ["deal.created"],
      description: "Deals to the warehouse",
      enabled: true,
      disabledReason: null,
      previousSecretExpiresAt: null,
      version: 1,
    });
    expect(created.body.secret).toMatch(secretFormat);

    const fetched = await invoke("webhooks.get", webhookRoute(org, created.body.id));
    const listed = await invoke("webhooks.list", webhookRoute(org));
    expect(fetched.body).toEqual(Object.fromEntries(Object.entries(created.body).filter(([key]) => key !== "secret")));
    expect(listed.body).toEqual({ data: [fetched.body], nextCursor: null });
    expect(JSON.stringify([fetched.body, listed.body])).not.toContain(created.body.secret);
  });

  it("rotates the secret: a new one, shown once, with the previous one valid for 24 more hours", async () => {
    const org = await anOrganisation();
    const webhook = await aWebhook(org, { url: "https://hooks.example.com/crm" });

    const rotated = await invoke("webhooks.rotateSecret", webhookRoute(org, webhook.id));

    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(secretFormat);
    expect(rotated.body.secret).not.toBe(webhook.secret);
    expect(rotated.body.version).toBe(2);
    const overlapHours = (Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()) / 3600_000;
    expect(overlapHours).toBeGreaterThan(23.9);
    expect(overlapHours).toBeLessThanOrEqual(24);
    const fetched = await invoke("webhooks.get", webhookRoute(org, webhook.id));
    expect(fetched.body.secret).toBeUndefined();
    expect(JSON.stringify(fetched.body)).not.toContain(rotated.body.secret);
  });

  it("updates the URL, events and description, and refuses a stale If-Match", async () => {
    const org = await anOrganisation();
    const webhook = await aWebhook(org, { url: "https://hooks.example.com/crm", description: "Old" });

    const updated = await invoke("webhooks.update", {
      ...webhookRoute(org, webhook.id),
      headers: { "if-match": '"1"' },
      body: { url: "https://hooks.example.com/v2", events: ["contact.created", "contact.updated"], description: null },
    });
    const stale = await invoke("webhooks.update", {
      ...webhookRoute(org, webhook.id),
      headers: { "if-match": '"1"' },
      body: { enabled: false },
    });

    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      url: "https://hooks.example.com/v2",
      events: ["contact.created", "contact.updated"],
      description: null,
      enabled: true,
      version: 2,
    });
    expect(stale.status).toBe(412);
    expect((await invoke("webhooks.get", webhookRoute(org, webhook.id))).body).toEqual(updated.body);
  });

  it("deletes a webhook", async () => {
    const org = await anOrganisation();
    const webhook = await aWebhook(org, { url: "https://hooks.example.com/crm" });

    const deleted = await invoke("webhooks.delete", webhookRoute(org, webhook.id));

    expect(deleted.status).toBe(204);
    expect((await invoke("webhooks.get", webhookRoute(org, webhook.id))).status).toBe(404);
    expect((await invoke("webhooks.listDeliveries", webhookRoute(org, webhook.id))).status).toBe(404);
  });

  it("hides one organisation's webhooks from another's admins", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation("Other");
    const webhook = await aWebhook(org, { url: "https://hooks.example.com/crm" });

    const peeked = await invoke("webhooks.get", {
      token: other.admin.token,
      params: { orgId: other.orgId, webhookId: webhook.id },
    });

    expect(peeked.status).toBe(404);
    expect((await invoke("webhooks.list", webhookRoute(other))).body.data).toEqual([]);
  });

  it("refuses `*` together with other event types, and unknown event types", async () => {
    const org = await anOrganisation();
    for (const events of [["*", "deal.created"], ["deal.exploded"], []]) {
      const response = await invoke("webhooks.create", {
        ...webhookRoute(org),
        body: { url: "https://hooks.example.com/crm", events },
      });
      expect(response.status, JSON.stringify(events)).toBe(400);
      expect(response.body.errors[0].path).toMatch(/^body\.events/);
    }
  });

  it(`allows at most ${maxWebhooksPerOrganisation} webhooks per organisation`, async () => {
    const org = await anOrganisation();
    for (let count = 0; count < maxWebhooksPerOrganisation; count++) {
      await aWebhook(org, { url: `https://hooks.example.com/${count}` });
    }

    const oneTooMany = await invoke("webhooks.create", {
      ...webhookRoute(org),
      body: { url: "https://hooks.example.com/more", events: ["*"] },
    });

    expect(oneTooMany.status).toBe(400);
    expect((await invoke("webhooks.list", webhookRoute(org))).body.data).toHaveLength(maxWebhooksPerOrganisation);
  });
});

describe("a webhook URL", () => {
  const refused: [vector: string, url: string][] = [
    ["plain http", "http://hooks.example.com/crm"],
    ["another scheme", "ftp://hooks.example.com/crm"],
    ["credentials in the URL", "https://user:secret@hooks.example.com/crm"],
    ["loopback", "https://127.0.0.1/crm"],
    ["loopback, decimal", "https://2130706433/crm"],
    ["loopback, hexadecimal", "https://0x7f000001/crm"],
    ["loopback, octal", "https://0177.0.0.1/crm"],
    ["loopback, shortened", "https://127.1/crm"],
    ["loopback, IPv6", "https://[::1]/crm"],
    ["loopback, IPv4-mapped IPv6", "https://[::ffff:127.0.0.1]/crm"],
    ["localhost", "https://localhost/crm"],
    ["a subdomain of localhost", "https://hooks.localhost/crm"],
    ["this network", "https://0.0.0.0/crm"],
    ["private 10/8", "https://10.0.0.1/crm"],
    ["private 172.16/12", "https://172.16.5.4/crm"],
    ["private 192.168/16", "https://192.168.1.1/crm"],
    ["carrier-grade NAT", "https://100.64.0.1/crm"],
    ["cloud metadata", "https://169.254.169.254/latest/meta-data/"],
    ["cloud metadata, decimal", "https://2852039166/latest/meta-data/"],
    ["cloud metadata, IPv4-mapped IPv6", "https://[::ffff:a9fe:a9fe]/latest/meta-data/"],
    ["IPv6 link-local", "https://[fe80::1]/crm"],
    ["IPv6 unique-local", "https://[fc00::1]/crm"],
    ["IPv6 unique-local (AWS metadata)", "https://[fd00:ec2::254]/latest/meta-data/"],
    ["multicast", "https://224.0.0.1/crm"],
    ["IPv6 multicast", "https://[ff02::1]/crm"],
    ["broadcast", "https://255.255.255.255/crm"],
    ["NAT64 of loopback", "https://[64:ff9b::7f00:1]/crm"],
    ["a single-label name", "https://intranet/crm"],
    ["a name resolving to a private address", "https://internal.example.com/crm"],
    ["a name resolving to the metadata address", "https://metadata.example.com/crm"],
    ["a name resolving to carrier-grade NAT", "https://cgnat.example.com/crm"],
    ["a name resolving to a mapped private address", "https://mapped.example.com/crm"],
    ["a name with a private address among public ones", "https://mixed.example.com/crm"],
    ["not a URL", "hooks.example.com/crm"],
  ];

  it.each(refused)("is refused on creation when it is %s (400 on body.url)", async (_, url) => {
    const org = await anOrganisation();

    const response = await invoke("webhooks.create", { ...webhookRoute(org), body: { url, events: ["*"] } });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: "body.url", message: expect.any(String) }]);
    expect((await invoke("webhooks.list", webhookRoute(org))).body.data).toEqual([]);
  });

  it("is refused on update as on creation, and the webhook keeps its URL", async () => {
    const org = await anOrganisation();
    const webhook = await aWebhook(org, { url: "https://hooks.example.com/crm" });

    const response = await invoke("webhooks.update", {
      ...webhookRoute(org, webhook.id),
      body: { url: "https://[::ffff:a9fe:a9fe]/latest/meta-data/" },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors[0].path).toBe("body.url");
    expect((await invoke("webhooks.get", webhookRoute(org, webhook.id))).body.url).toBe(
      "https://hooks.example.com/crm",
    );
  });

  it.each([
    ["a name resolving to public addresses only", "https://hooks.example.com:8443/crm?tenant=1"],
    ["a public IPv4 address", "https://93.184.215.14/crm"],
    ["a public IPv6 address", "https://[2606:4700:4700::1111]/crm"],
    ["a name that does not resolve yet (every delivery checks again)", "https://not-yet.example.com/crm"],
  ])("is accepted when it is %s", async (_, url) => {
    const org = await anOrganisation();

    const response = await invoke("webhooks.create", { ...webhookRoute(org), body: { url, events: ["*"] } });

    expect(response.status, JSON.stringify(response.body)).toBe(201);
  });
});
