import { tableEntities } from "@crm/core/composition";
import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

/** Defines fields on contacts for the organisation: `{ key: type }`, selects with options Gold and Silver. */
async function withContactFields(org: TestOrganisation, fields: Record<string, Record<string, unknown>>) {
  const defined: Record<string, { id: string; options: { id: string; label: string }[] }> = {};
  for (const [key, definition] of Object.entries(fields)) {
    const created = await invoke("customFields.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { recordType: "contact", key, label: key, ...definition },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    defined[key] = created.body;
  }
  return defined;
}

const everyType = {
  nickname: { type: "text" },
  notes: { type: "longText" },
  score: { type: "number" },
  budget: { type: "currency", currency: "EUR" },
  renewalDate: { type: "date" },
  lastCallAt: { type: "dateTime" },
  newsletter: { type: "boolean" },
  tier: { type: "singleSelect", options: [{ label: "Gold" }, { label: "Silver" }] },
  interests: { type: "multiSelect", options: [{ label: "Engines" }, { label: "Looms" }] },
  website: { type: "url" },
  personalEmail: { type: "email" },
  mobile: { type: "phone" },
  accountManager: { type: "member" },
};

const pathsOf = (body: { errors?: { path: string }[] }) => (body.errors ?? []).map((error) => error.path).sort();

async function createContact(org: TestOrganisation, body: Record<string, unknown>) {
  return invoke("contacts.create", { token: org.admin.token, params: { orgId: org.orgId }, body });
}

async function contactsOf(org: TestOrganisation) {
  const { data } = await tableEntities.contact.query.contactsByCreation({ orgId: org.orgId }).go();
  return data;
}

describe("custom field values on contacts", () => {
  it("are stored and answered for every field type, normalised where the type says so", async () => {
    const org = await anOrganisation();
    const fields = await withContactFields(org, everyType);
    const [gold] = fields.tier?.options ?? [];
    const interests = fields.interests?.options.map((option) => option.id) ?? [];
    const values = {
      nickname: "Ada",
      notes: "Met at the Analytical Society.",
      score: 4.5,
      budget: { amount: 1250_00, currency: "EUR" },
      renewalDate: "2027-03-31",
      lastCallAt: "2026-12-01T10:30:00+01:00",
      newsletter: true,
      tier: gold?.id,
      interests,
      website: "https://ada.example.com",
      personalEmail: "Ada@Example.com",
      mobile: "+44 20 7946 0958",
      accountManager: org.admin.memberId,
    };

    const created = await createContact(org, { firstName: "Ada", customFields: values });

    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.customFields).toEqual({
      ...values,
      lastCallAt: "2026-12-01T09:30:00.000Z",
      personalEmail: "ada@example.com",
    });
    const read = await invoke("contacts.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: created.body.id },
    });
    expect(read.body.customFields).toEqual(created.body.customFields);
  });

  it("refuse a wrong value of each type at body.customFields.<key>, and write nothing", async () => {
    const org = await anOrganisation();
    await withContactFields(org, everyType);

    const refused = await createContact(org, {
      firstName: "Ada",
      customFields: {
        nickname: "",
        notes: 42,
        score: "high",
        budget: { amount: 12.5, currency: "USD" },
        renewalDate: "31/03/2027",
        lastCallAt: "yesterday",
        newsletter: "yes",
        tier: "opt_00000000000000000000000000",
        interests: ["x", "x"],
        website: "javascript:alert(1)",
        personalEmail: "not-an-email",
        mobile: "call me",
        accountManager: "bob",
      },
    });

    expect(refused.status).toBe(400);
    expect(new Set(pathsOf(refused.body).map((path) => path.split(".").slice(0, 3).join(".")))).toEqual(
      new Set(Object.keys(everyType).map((key) => `body.customFields.${key}`)),
    );
    expect(pathsOf(refused.body)).toContain("body.customFields.budget.amount");
    expect(pathsOf(refused.body)).toContain("body.customFields.budget.currency");
    expect(await contactsOf(org)).toEqual([]);
  });

  it("refuse an unknown key and a field of another record type", async () => {
    const org = await anOrganisation();
    await invoke("customFields.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { recordType: "deal", key: "region", label: "Region", type: "text" },
    });

    const refused = await createContact(org, { firstName: "Ada", customFields: { region: "EMEA", shoeSize: 44 } });

    expect(refused.status).toBe(400);
    expect(pathsOf(refused.body)).toEqual(["body.customFields.region", "body.customFields.shoeSize"]);
    expect(refused.body.errors[0].message).toMatch(/No such custom field/);
  });

  it("require a required field on create, and refuse to clear it later", async () => {
    const org = await anOrganisation();
    await withContactFields(org, { renewalDate: { type: "date", required: true } });

    const missing = await createContact(org, { firstName: "Ada" });
    expect(missing.status).toBe(400);
    expect(pathsOf(missing.body)).toEqual(["body.customFields.renewalDate"]);

    const created = await createContact(org, { firstName: "Ada", customFields: { renewalDate: "2027-03-31" } });
    expect(created.status).toBe(201);
    const cleared = await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: created.body.id },
      body: { customFields: { renewalDate: null } },
    });
    expect(cleared.status).toBe(400);
    expect(pathsOf(cleared.body)).toEqual(["body.customFields.renewalDate"]);
  });

  it("merge on update: given keys change, null clears, others stay, and the change is audited", async () => {
    const org = await anOrganisation();
    await withContactFields(org, { nickname: { type: "text" }, score: { type: "number" } });
    const created = await createContact(org, { firstName: "Ada", customFields: { nickname: "Ada", score: 3 } });

    const updated = await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: created.body.id },
      body: { customFields: { nickname: null, score: 5 } },
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.customFields).toEqual({ score: 5 });
    const renamed = await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: created.body.id },
      body: { title: "Countess" },
    });
    expect(renamed.body.customFields).toEqual({ score: 5 });

    const cleared = await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: created.body.id },
      body: { customFields: { score: null } },
    });
    expect(cleared.body.customFields).toEqual({});
    const [stored] = await contactsOf(org);
    expect(stored).not.toHaveProperty("customFields");
    const audit = await invoke("audit.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { recordId: created.body.id },
    });
    expect(audit.body.data[2].changes).toContainEqual({
      field: "customFields",
      before: { nickname: "Ada", score: 3 },
      after: { score: 5 },
    });
  });

  it("keep an archived field's values but refuse new ones", async () => {
    const org = await anOrganisation();
    const fields = await withContactFields(org, { nickname: { type: "text" } });
    const created = await createContact(org, { firstName: "Ada", customFields: { nickname: "Ada" } });
    await invoke("customFields.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, fieldId: fields.nickname?.id ?? "" },
      body: { archived: true },
    });

    const refused = await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: created.body.id },
      body: { customFields: { nickname: "Countess" } },
    });
    expect(refused.status).toBe(400);
    expect(pathsOf(refused.body)).toEqual(["body.customFields.nickname"]);
    const read = await invoke("contacts.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: created.body.id },
    });
    expect(read.body.customFields).toEqual({ nickname: "Ada" });
  });

  it("refuse an archived option and a member of another organisation", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation();
    const fields = await withContactFields(org, {
      tier: { type: "singleSelect", options: [{ label: "Gold" }, { label: "Silver" }] },
      accountManager: { type: "member" },
    });
    const [gold, silver] = fields.tier?.options ?? [];
    await invoke("customFields.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, fieldId: fields.tier?.id ?? "" },
      body: { options: [{ id: gold?.id, label: "Gold" }] },
    });

    const archivedOption = await createContact(org, { firstName: "Ada", customFields: { tier: silver?.id } });
    expect(pathsOf(archivedOption.body)).toEqual(["body.customFields.tier"]);
    const foreignMember = await createContact(org, {
      firstName: "Ada",
      customFields: { accountManager: other.admin.memberId },
    });
    expect(foreignMember.status).toBe(400);
    expect(pathsOf(foreignMember.body)).toEqual(["body.customFields.accountManager"]);
    expect(await contactsOf(org)).toEqual([]);
  });

  it("accept the owner as a member value too (the member is checked once)", async () => {
    const org = await anOrganisation();
    const bob = await org.member("member");
    await withContactFields(org, { accountManager: { type: "member" } });

    const created = await createContact(org, {
      firstName: "Ada",
      ownerId: bob.memberId,
      customFields: { accountManager: bob.memberId },
    });

    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.customFields).toEqual({ accountManager: bob.memberId });
  });

  it("refuse values over the size cap", async () => {
    const org = await anOrganisation();
    const fields: Record<string, Record<string, unknown>> = {};
    for (let index = 0; index < 5; index++) fields[`notes${index}`] = { type: "longText" };
    await withContactFields(org, fields);
    const customFields = Object.fromEntries(Object.keys(fields).map((key) => [key, "x".repeat(9_000)]));

    const refused = await createContact(org, { firstName: "Ada", customFields });

    expect(refused.status).toBe(400);
    expect(pathsOf(refused.body)).toEqual(["body.customFields"]);
  });
});

/** A valid body of each other record type's create, given the organisation's first contact for the activity. */
const recordTypes = [
  {
    recordType: "company",
    create: "companies.create",
    update: "companies.update",
    idName: "companyId",
    body: () => ({ name: "Initech" }),
  },
  {
    recordType: "deal",
    create: "deals.create",
    update: "deals.update",
    idName: "dealId",
    body: () => ({ title: "Forty seats", value: { amount: 400_00, currency: "EUR" } }),
  },
  {
    recordType: "activity",
    create: "activities.create",
    update: "activities.update",
    idName: "activityId",
    body: (contactId: string) => ({ type: "note", subject: "Intro", contactIds: [contactId] }),
  },
] as const;

describe.each(recordTypes)("custom field values on a $recordType", ({ recordType, create, update, idName, body }) => {
  it("are stored, merged on update and refused at body.customFields.<key>", async () => {
    const org = await anOrganisation();
    const contact = await createContact(org, { firstName: "Ada" });
    const defined = await invoke("customFields.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { recordType, key: "budget", label: "Budget", type: "currency" },
    });
    expect(defined.status).toBe(201);
    const at = { token: org.admin.token, params: { orgId: org.orgId } };

    const created = await invoke(create, {
      ...at,
      body: { ...body(contact.body.id), customFields: { budget: { amount: 100, currency: "GBP" } } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.customFields).toEqual({ budget: { amount: 100, currency: "GBP" } });
    const params = { orgId: org.orgId, [idName]: created.body.id };
    const updated = await invoke(update, { token: org.admin.token, params, body: { customFields: { budget: null } } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.customFields).toEqual({});

    const refused = await invoke(update, {
      token: org.admin.token,
      params,
      body: { customFields: { budget: { amount: "lots", currency: "GBP" } } },
    });
    expect(refused.status).toBe(400);
    expect(pathsOf(refused.body)).toEqual(["body.customFields.budget.amount"]);
    const contactField = await invoke(create, {
      ...at,
      body: { ...body(contact.body.id), customFields: { nickname: "x" } },
    });
    expect(pathsOf(contactField.body)).toEqual(["body.customFields.nickname"]);
  });
});

describe("custom field values in a batch", () => {
  it("are checked per entry, with paths into the entry", async () => {
    const org = await anOrganisation();
    await withContactFields(org, { score: { type: "number" } });

    const batch = await invoke("contacts.batchCreate", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        items: [
          { firstName: "Ada", customFields: { score: 1 } },
          { firstName: "Bob", customFields: { score: "x" } },
        ],
      },
    });

    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    expect(batch.body.results[0]).toMatchObject({ status: 201, data: { customFields: { score: 1 } } });
    expect(batch.body.results[1]).toMatchObject({ status: 400 });
    expect(pathsOf(batch.body.results[1].error)).toEqual(["body.items.1.customFields.score"]);
  });
});
