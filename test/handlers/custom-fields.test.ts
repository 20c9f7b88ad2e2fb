import { CustomFieldEntity, CustomFieldKeyEntity } from "@crm/core/custom-fields";
import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

/** A field definition with overrides, defined by the organisation's admin. */
async function aCustomField(org: TestOrganisation, overrides: Record<string, unknown> = {}) {
  const created = await invoke("customFields.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { recordType: "contact", key: "renewalDate", label: "Renewal date", type: "date", ...overrides },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

const pathsOf = (body: { errors?: { path: string }[] }) => (body.errors ?? []).map((error) => error.path).sort();

describe("custom field definitions", () => {
  it("are defined by a manager, read by a viewer, and listed without archived ones by default", async () => {
    const org = await anOrganisation();
    const manager = await org.member("manager");
    const viewer = await org.member("viewer");
    const created = await invoke("customFields.create", {
      token: manager.token,
      params: { orgId: org.orgId },
      body: {
        recordType: "contact",
        key: "tier",
        label: "Tier",
        type: "singleSelect",
        options: [{ label: "Gold" }, { label: "Silver" }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.location).toBe(`/v1/orgs/${org.orgId}/custom-fields/${created.body.id}`);
    expect(created.body).toMatchObject({
      recordType: "contact",
      key: "tier",
      required: false,
      archived: false,
      currency: null,
      description: null,
      version: 1,
      options: [
        { id: expect.stringMatching(/^opt_/), label: "Gold", archived: false },
        { id: expect.stringMatching(/^opt_/), label: "Silver", archived: false },
      ],
    });
    const archived = await aCustomField(org, { key: "legacyCode", type: "text" });
    await invoke("customFields.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, fieldId: archived.id },
      body: { archived: true },
    });

    const listed = await invoke("customFields.list", { token: viewer.token, params: { orgId: org.orgId } });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((field: { key: string }) => field.key)).toEqual(["tier"]);
    const withArchived = await invoke("customFields.list", {
      token: viewer.token,
      params: { orgId: org.orgId },
      query: { archived: "include" },
    });
    expect(withArchived.body.data.map((field: { key: string }) => field.key)).toEqual(["tier", "legacyCode"]);
    const read = await invoke("customFields.get", {
      token: viewer.token,
      params: { orgId: org.orgId, fieldId: created.body.id },
    });
    expect(read.body).toEqual(created.body);
  });

  it("cannot be defined or changed by a member", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const field = await aCustomField(org);
    const created = await invoke("customFields.create", {
      token: member.token,
      params: { orgId: org.orgId },
      body: { recordType: "contact", key: "other", label: "Other", type: "text" },
    });
    expect(created.status).toBe(403);
    const changed = await invoke("customFields.update", {
      token: member.token,
      params: { orgId: org.orgId, fieldId: field.id },
      body: { label: "Mine" },
    });
    expect(changed.status).toBe(403);
  });

  it("refuse a select without options, options on a text field, and a bad key, creating nothing", async () => {
    const org = await anOrganisation();
    const at = { token: org.admin.token, params: { orgId: org.orgId } };
    const noOptions = await invoke("customFields.create", {
      ...at,
      body: { recordType: "deal", key: "tier", label: "Tier", type: "multiSelect" },
    });
    expect(noOptions.status).toBe(400);
    expect(pathsOf(noOptions.body)).toEqual(["body.options"]);
    const textWithOptions = await invoke("customFields.create", {
      ...at,
      body: { recordType: "deal", key: "tier", label: "Tier", type: "text", options: [{ label: "A" }] },
    });
    expect(pathsOf(textWithOptions.body)).toEqual(["body.options"]);
    const badKey = await invoke("customFields.create", {
      ...at,
      body: { recordType: "deal", key: "Renewal-Date", label: "Renewal", type: "date" },
    });
    expect(pathsOf(badKey.body)).toEqual(["body.key"]);
    const { data } = await CustomFieldEntity.query.customFieldsOfOrganisation({ orgId: org.orgId }).go();
    expect(data).toEqual([]);
  });

  it("keep a key unique per record type: a second one is a 409, the same key on another record type is fine", async () => {
    const org = await anOrganisation();
    const first = await aCustomField(org);
    const again = await invoke("customFields.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { recordType: "contact", key: "renewalDate", label: "Renewal", type: "text" },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "duplicate", existing: { type: "customField", id: first.id } });
    await aCustomField(org, { recordType: "company" });
  });

  it("let only one of two concurrent definitions of a key win", async () => {
    const org = await anOrganisation();
    const define = () =>
      invoke("customFields.create", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        body: { recordType: "deal", key: "region", label: "Region", type: "text" },
      });
    const statuses = (await Promise.all([define(), define()])).map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409]);
    const { data } = await CustomFieldEntity.query.customFieldsOfOrganisation({ orgId: org.orgId }).go();
    expect(data).toHaveLength(1);
  });

  it("are at most 100 per record type", async () => {
    const org = await anOrganisation();
    await CustomFieldEntity.put(
      Array.from({ length: 100 }, (_, index) => ({
        orgId: org.orgId,
        fieldId: `fld_${String(index).padStart(26, "0")}`,
        recordType: "activity" as const,
        key: `field${index}`,
        label: `Field ${index}`,
        type: "text" as const,
        createdBy: org.admin.memberId,
        createdAt: "2026-12-01T00:00:00.000Z",
        updatedAt: "2026-12-01T00:00:00.000Z",
      })),
    ).go();
    const refused = await invoke("customFields.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { recordType: "activity", key: "oneTooMany", label: "One too many", type: "text" },
    });
    expect(refused.status).toBe(400);
    expect(pathsOf(refused.body)).toEqual(["body.recordType"]);
    await aCustomField(org, { recordType: "deal", key: "stillFine" });
  });

  it("rename options by id, add new ones and archive the ones left out", async () => {
    const org = await anOrganisation();
    const field = await aCustomField(org, {
      key: "tier",
      type: "singleSelect",
      options: [{ label: "Gold" }, { label: "Silver" }],
    });
    const [gold, silver] = field.options;
    const changed = await invoke("customFields.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, fieldId: field.id },
      body: { options: [{ id: gold.id, label: "Platinum" }, { label: "Bronze" }] },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.options).toEqual([
      { id: gold.id, label: "Platinum", archived: false },
      { id: expect.stringMatching(/^opt_/), label: "Bronze", archived: false },
      { id: silver.id, label: "Silver", archived: true },
    ]);
    expect(changed.body.version).toBe(2);
    const foreignOption = await invoke("customFields.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, fieldId: field.id },
      body: { options: [{ id: "opt_0000000000000000000000000a", label: "Forged" }] },
    });
    expect(foreignOption.status).toBe(400);
    expect(pathsOf(foreignOption.body)).toEqual(["body.options.0.id"]);
  });

  it("are not found in another organisation", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation();
    const field = await aCustomField(other);
    const read = await invoke("customFields.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, fieldId: field.id },
    });
    expect(read.status).toBe(404);
    const deleted = await invoke("customFields.delete", {
      token: org.admin.token,
      params: { orgId: org.orgId, fieldId: field.id },
    });
    expect(deleted.status).toBe(404);
  });

  it("disappear when deleted, their key still reserved until their values are gone", async () => {
    const org = await anOrganisation();
    const field = await aCustomField(org);
    const deleted = await invoke("customFields.delete", {
      token: org.admin.token,
      params: { orgId: org.orgId, fieldId: field.id },
    });
    expect(deleted.status).toBe(204);
    const read = await invoke("customFields.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, fieldId: field.id },
    });
    expect(read.status).toBe(404);
    const listed = await invoke("customFields.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(listed.body.data).toEqual([]);
    const { data: key } = await CustomFieldKeyEntity.get({
      orgId: org.orgId,
      recordType: "contact",
      key: "renewalDate",
    }).go();
    expect(key?.fieldId).toBe(field.id);
  });
});

describe("the organisation's record schemas", () => {
  it("hold the built-in fields and the active custom fields, typed, with select options labelled", async () => {
    const org = await anOrganisation();
    const viewer = await org.member("viewer");
    const tier = await aCustomField(org, {
      key: "tier",
      label: "Tier",
      type: "singleSelect",
      required: true,
      options: [{ label: "Gold" }, { label: "Silver" }],
    });
    await aCustomField(org, { recordType: "deal", key: "budget", label: "Budget", type: "currency", currency: "EUR" });
    const archived = await aCustomField(org, { key: "legacyCode", type: "text" });
    await invoke("customFields.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, fieldId: archived.id },
      body: { archived: true },
    });

    const schema = await invoke("schema.get", { token: viewer.token, params: { orgId: org.orgId } });

    expect(schema.status, JSON.stringify(schema.body)).toBe(200);
    const contact = schema.body.contact;
    expect(contact.properties.firstName).toBeDefined();
    expect(Object.keys(contact.properties.customFields.properties)).toEqual(["tier"]);
    expect(contact.properties.customFields.properties.tier).toMatchObject({
      title: "Tier",
      type: "string",
      "x-required": true,
      "x-custom-field-id": tier.id,
      oneOf: tier.options.map((option: { id: string; label: string }) => ({ const: option.id, title: option.label })),
    });
    expect(schema.body.deal.properties.customFields.properties.budget).toMatchObject({
      type: "object",
      properties: { currency: { const: "EUR" } },
    });
    expect(schema.body.company.properties.customFields.properties).toEqual({});
    expect(schema.body.activity.properties.subject).toBeDefined();
  });
});
