import { removeDeletedCustomFields } from "@crm/core/custom-field-cleanup";
import { CustomFieldEntity } from "@crm/core/custom-fields";
import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact, aCustomField, aDeal } from "../support/builders";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

const idsFound = async (org: TestOrganisation, q: string, token = org.admin.token) => {
  const response = await invoke("search.query", { token, params: { orgId: org.orgId }, query: { q } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body.data as { id: string }[]).map((result) => result.id).sort();
};

/** Text-like custom field values are search terms of their record, as its built-in fields are. */
describe("searching custom field values", () => {
  it("finds contacts, companies and deals by their text, email, url and phone values, not by other types", async () => {
    const org = await anOrganisation();
    for (const [key, type] of Object.entries({
      nickname: "text",
      biography: "longText",
      personalEmail: "email",
      website: "url",
      mobile: "phone",
      score: "number",
    })) {
      await aCustomField(org, { key, type });
    }
    await aCustomField(org, { recordType: "company", key: "motto", type: "text" });
    await aCustomField(org, { recordType: "deal", key: "codename", type: "text" });
    const ada = await aContact(org, {
      firstName: "Ada",
      customFields: {
        nickname: "Enchantress",
        biography: "Wrote the first published algorithm",
        personalEmail: "countess@lovelace.example",
        website: "https://www.analytical-engines.example/notes",
        mobile: "+44 20 7946 0001",
        score: 31415,
      },
    });
    const globex = await aCompany(org, { name: "Globex", customFields: { motto: "Quarterly synergies" } });
    const deal = await aDeal(org, { title: "Renewal", customFields: { codename: "Bluebird" } });

    for (const q of ["enchant", "wrote the", "countess@", "lovelace.example", "analytical-engines", "4420794600"]) {
      expect(await idsFound(org, q), q).toEqual([ada.id]);
    }
    expect(await idsFound(org, "31415")).toEqual([]);
    expect(await idsFound(org, "quarterly")).toEqual([globex.id]);
    expect(await idsFound(org, "bluebird")).toEqual([deal.id]);
    // Every member searches them; another organisation finds nothing of them.
    const viewer = await org.member("viewer");
    expect(await idsFound(org, "enchant", viewer.token)).toEqual([ada.id]);
    const other = await anOrganisation();
    expect(await idsFound(other, "enchant")).toEqual([]);
  });

  it("follows a changed, cleared or deleted value, and forgets the record's terms when it is deleted", async () => {
    const org = await anOrganisation();
    await aCustomField(org, { key: "nickname", type: "text" });
    const alias = await aCustomField(org, { key: "alias", type: "text" });
    const at = { token: org.admin.token, params: { orgId: org.orgId } };
    const ada = await aContact(org, { firstName: "Ada", customFields: { nickname: "Enchantress", alias: "Byron" } });
    const update = (customFields: Record<string, unknown>) =>
      invoke("contacts.update", { ...at, params: { ...at.params, contactId: ada.id }, body: { customFields } });

    expect((await update({ nickname: "Countess" })).status).toBe(200);
    expect(await idsFound(org, "enchant")).toEqual([]);
    expect(await idsFound(org, "countess")).toEqual([ada.id]);
    // An update that leaves the values alone keeps their terms.
    const renamed = await invoke("contacts.update", {
      ...at,
      params: { ...at.params, contactId: ada.id },
      body: { lastName: "Lovelace" },
    });
    expect(renamed.status).toBe(200);
    expect(await idsFound(org, "countess")).toEqual([ada.id]);
    expect((await update({ nickname: null })).status).toBe(200);
    expect(await idsFound(org, "countess")).toEqual([]);

    // Deleting the field removes its values in the background, and their terms with them.
    expect(await idsFound(org, "byron")).toEqual([ada.id]);
    expect((await invoke("customFields.delete", { ...at, params: { ...at.params, fieldId: alias.id } })).status).toBe(
      204,
    );
    for (let run = 0; run < 10; run++) {
      await removeDeletedCustomFields();
      const { data } = await CustomFieldEntity.get({ orgId: org.orgId, fieldId: alias.id }).go({ consistent: true });
      if (!data) break;
    }
    expect(await idsFound(org, "byron")).toEqual([]);

    expect((await update({ nickname: "Analyst" })).status).toBe(200);
    expect(await idsFound(org, "analyst")).toEqual([ada.id]);
    expect((await invoke("contacts.delete", { ...at, params: { ...at.params, contactId: ada.id } })).status).toBe(204);
    expect(await idsFound(org, "analyst")).toEqual([]);
  });

  it("refuses a bad value with its path and leaves the terms as they were", async () => {
    const org = await anOrganisation();
    await aCustomField(org, { key: "website", type: "url" });
    const ada = await aContact(org, { firstName: "Ada", customFields: { website: "https://ada.example" } });
    const refused = await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: ada.id },
      body: { customFields: { website: "ftp://elsewhere.example" } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe("body.customFields.website");
    expect(await idsFound(org, "ada.example")).toEqual([ada.id]);
    expect(await idsFound(org, "elsewhere")).toEqual([]);
  });
});
