import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact, aCustomField } from "../support/builders";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

const mergeContacts = (org: TestOrganisation, body: unknown) =>
  invoke("contacts.merge", { token: org.admin.token, params: { orgId: org.orgId }, body });

const mergeCompanies = (org: TestOrganisation, body: unknown) =>
  invoke("companies.merge", { token: org.admin.token, params: { orgId: org.orgId }, body });

const contact = async (org: TestOrganisation, contactId: string) =>
  (await invoke("contacts.get", { token: org.admin.token, params: { orgId: org.orgId, contactId } })).body;

const idsFound = async (org: TestOrganisation, q: string) => {
  const response = await invoke("search.query", { token: org.admin.token, params: { orgId: org.orgId }, query: { q } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body.data as { id: string }[]).map((result) => result.id).sort();
};

/**
 * A survivor with a tier but no nickname, and two contacts merged into it that both have a nickname: the older
 * one's ("Enchantress") is the most recently updated, because it was edited after the other was made.
 */
async function duplicatesWithValues(org: TestOrganisation) {
  await aCustomField(org, { key: "nickname", type: "text" });
  await aCustomField(org, { key: "tier", type: "text" });
  const survivor = await aContact(org, { firstName: "Ada", customFields: { tier: "Gold" } });
  const edited = await aContact(org, { firstName: "Augusta", customFields: { nickname: "Countess", tier: "Tin" } });
  const untouched = await aContact(org, { firstName: "A.", customFields: { nickname: "Bluestocking" } });
  const update = await invoke("contacts.update", {
    token: org.admin.token,
    params: { orgId: org.orgId, contactId: edited.id },
    body: { customFields: { nickname: "Enchantress" } },
  });
  expect(update.status, JSON.stringify(update.body)).toBe(200);
  return { survivor, edited, untouched };
}

describe("custom field values in a merge", () => {
  it("keeps the survivor's value, and takes the most recently updated merged record's where the survivor has none", async () => {
    const org = await anOrganisation();
    const { survivor, edited, untouched } = await duplicatesWithValues(org);

    const response = await mergeContacts(org, { survivorId: survivor.id, mergedIds: [untouched.id, edited.id] });

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.record.customFields).toEqual({ nickname: "Enchantress", tier: "Gold" });
    expect((await contact(org, survivor.id)).customFields).toEqual({ nickname: "Enchantress", tier: "Gold" });
  });

  it("lets a chosen record's value win a custom field", async () => {
    const org = await anOrganisation();
    const { survivor, edited, untouched } = await duplicatesWithValues(org);

    const response = await mergeContacts(org, {
      survivorId: survivor.id,
      mergedIds: [untouched.id, edited.id],
      fields: { customFields: { nickname: untouched.id, tier: edited.id } },
    });

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect((await contact(org, survivor.id)).customFields).toEqual({ nickname: "Bluestocking", tier: "Tin" });
  });

  it("clears a value when the chosen record has none", async () => {
    const org = await anOrganisation();
    const { survivor, untouched } = await duplicatesWithValues(org);

    const response = await mergeContacts(org, {
      survivorId: survivor.id,
      mergedIds: [untouched.id],
      fields: { customFields: { tier: untouched.id } },
    });

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect((await contact(org, survivor.id)).customFields).toEqual({ nickname: "Bluestocking" });
  });

  it("takes no value of an archived field from a merged record, and keeps the survivor's own", async () => {
    const org = await anOrganisation();
    const { survivor, edited } = await duplicatesWithValues(org);
    const legacy = await aCustomField(org, { key: "legacy", type: "text" });
    const withLegacy = await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: edited.id },
      body: { customFields: { legacy: "from the merged one" } },
    });
    expect(withLegacy.status).toBe(200);
    const archived = await invoke("customFields.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, fieldId: legacy.id },
      body: { archived: true },
    });
    expect(archived.status).toBe(200);

    const response = await mergeContacts(org, { survivorId: survivor.id, mergedIds: [edited.id] });

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect((await contact(org, survivor.id)).customFields).toEqual({ nickname: "Enchantress", tier: "Gold" });
  });

  it.each([
    ["an unknown custom field", (s: string, m: string) => ({ shoeSize: m, nickname: s }), "shoeSize"],
    ["a custom field won by a record not in the merge", () => ({ nickname: "con_other" }), "nickname"],
  ])("refuses %s with 400 naming the field, and changes nothing", async (_, choices, key) => {
    const org = await anOrganisation();
    const { survivor, edited } = await duplicatesWithValues(org);
    const before = [await contact(org, survivor.id), await contact(org, edited.id)];

    const response = await mergeContacts(org, {
      survivorId: survivor.id,
      mergedIds: [edited.id],
      fields: { customFields: choices(survivor.id, edited.id) },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual([
      `body.fields.customFields.${key}`,
    ]);
    expect([await contact(org, survivor.id), await contact(org, edited.id)]).toEqual(before);
  });

  it("previews the resulting custom field values and changes nothing", async () => {
    const org = await anOrganisation();
    const { survivor, edited } = await duplicatesWithValues(org);
    const before = [await contact(org, survivor.id), await contact(org, edited.id)];

    const response = await mergeContacts(org, { survivorId: survivor.id, mergedIds: [edited.id], preview: true });

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({
      preview: true,
      record: { customFields: { nickname: "Enchantress", tier: "Gold" } },
    });
    expect([await contact(org, survivor.id), await contact(org, edited.id)]).toEqual(before);
    expect(await idsFound(org, "enchantress")).toEqual([edited.id]);
  });

  it("makes a moved text value a search term of the survivor", async () => {
    const org = await anOrganisation();
    const { survivor, edited } = await duplicatesWithValues(org);
    expect(await idsFound(org, "enchantress")).toEqual([edited.id]);

    const response = await mergeContacts(org, { survivorId: survivor.id, mergedIds: [edited.id] });

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(await idsFound(org, "enchantress")).toEqual([survivor.id]);
    expect(await idsFound(org, "gold")).toEqual([survivor.id]);
    expect(await idsFound(org, "tin")).toEqual([]);
  });

  it("moves a merged company's values to the surviving company by the same rule, search terms with them", async () => {
    const org = await anOrganisation();
    await aCustomField(org, { recordType: "company", key: "motto", type: "text" });
    await aCustomField(org, { recordType: "company", key: "region", type: "text" });
    const survivor = await aCompany(org, { name: "Globex", customFields: { region: "North" } });
    const merged = await aCompany(org, {
      name: "Globex Ltd",
      customFields: { motto: "Quarterly synergies", region: "South" },
    });

    const preview = await mergeCompanies(org, { survivorId: survivor.id, mergedIds: [merged.id], preview: true });
    expect(preview.body.record.customFields).toEqual({ motto: "Quarterly synergies", region: "North" });
    expect(await idsFound(org, "quarterly")).toEqual([merged.id]);

    const response = await mergeCompanies(org, {
      survivorId: survivor.id,
      mergedIds: [merged.id],
      fields: { customFields: { region: merged.id } },
    });

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.record.customFields).toEqual({ motto: "Quarterly synergies", region: "South" });
    expect(await idsFound(org, "quarterly")).toEqual([survivor.id]);
    expect(await idsFound(org, "south")).toEqual([survivor.id]);
    expect(await idsFound(org, "north")).toEqual([]);
  });
});
