import { tableEntities } from "@crm/core/composition";
import { removeDeletedCustomFields } from "@crm/core/custom-field-cleanup";
import { CustomFieldEntity, CustomFieldKeyEntity } from "@crm/core/custom-fields";
import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

async function define(org: TestOrganisation, recordType: string, key: string) {
  const created = await invoke("customFields.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { recordType, key, label: key, type: "text" },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

/** Runs the cleanup job until the field is gone (other tests' deletions share its queue), at most a few times. */
async function cleanedUp(org: TestOrganisation, fieldId: string) {
  for (let run = 0; run < 10; run++) {
    await removeDeletedCustomFields();
    const { data } = await CustomFieldEntity.get({ orgId: org.orgId, fieldId }).go({ consistent: true });
    if (!data) return;
  }
  throw new Error(`The custom field ${fieldId} was not cleaned up.`);
}

describe("deleting a custom field", () => {
  it("removes its values from the records in the background, keeps the others, and frees its key", async () => {
    const org = await anOrganisation();
    const nickname = await define(org, "contact", "nickname");
    await define(org, "contact", "region");
    const at = { token: org.admin.token, params: { orgId: org.orgId } };
    const ada = await invoke("contacts.create", {
      ...at,
      body: { firstName: "Ada", customFields: { nickname: "Ada", region: "EMEA" } },
    });
    const bob = await invoke("contacts.create", { ...at, body: { firstName: "Bob", customFields: { nickname: "B" } } });
    const carol = await invoke("contacts.create", { ...at, body: { firstName: "Carol" } });

    expect((await invoke("customFields.delete", { ...at, params: { ...at.params, fieldId: nickname } })).status).toBe(
      204,
    );
    const refused = await invoke("contacts.update", {
      ...at,
      params: { ...at.params, contactId: carol.body.id },
      body: { customFields: { nickname: "C" } },
    });
    expect(refused.status).toBe(400);
    await cleanedUp(org, nickname);

    const read = async (contactId: string) =>
      (await invoke("contacts.get", { ...at, params: { ...at.params, contactId } })).body;
    expect((await read(ada.body.id)).customFields).toEqual({ region: "EMEA" });
    expect((await read(bob.body.id)).customFields).toEqual({});
    expect((await read(bob.body.id)).version).toBe(2);
    expect((await read(carol.body.id)).version).toBe(1);
    const { data: key } = await CustomFieldKeyEntity.get({
      orgId: org.orgId,
      recordType: "contact",
      key: "nickname",
    }).go();
    expect(key).toBeNull();
    await define(org, "contact", "nickname");
    const { data: entries } = await tableEntities.auditEntry.query.auditOfOrganisation({ orgId: org.orgId }).go();
    expect(entries).toContainEqual(
      expect.objectContaining({ recordId: bob.body.id, action: "updated", actorId: "system:custom-fields" }),
    );
  });

  it("does not come back with a record restored from the trash", async () => {
    const org = await anOrganisation();
    const at = { token: org.admin.token, params: { orgId: org.orgId } };
    const nickname = await define(org, "contact", "nickname");
    await define(org, "contact", "region");
    const ada = await invoke("contacts.create", {
      ...at,
      body: { firstName: "Ada", customFields: { nickname: "Ada", region: "EMEA" } },
    });
    await invoke("contacts.delete", { ...at, params: { ...at.params, contactId: ada.body.id } });
    await invoke("customFields.delete", { ...at, params: { ...at.params, fieldId: nickname } });

    const restored = await invoke("trash.restore", { ...at, params: { ...at.params, recordId: ada.body.id } });

    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.record.customFields).toEqual({ region: "EMEA" });
  });

  it("removes a deal's and a company's values too", async () => {
    const org = await anOrganisation();
    const at = { token: org.admin.token, params: { orgId: org.orgId } };
    const onDeals = await define(org, "deal", "region");
    const onCompanies = await define(org, "company", "region");
    const deal = await invoke("deals.create", {
      ...at,
      body: { title: "Seats", value: { amount: 100, currency: "EUR" }, customFields: { region: "EMEA" } },
    });
    const company = await invoke("companies.create", {
      ...at,
      body: { name: "Initech", customFields: { region: "US" } },
    });

    await invoke("customFields.delete", { ...at, params: { ...at.params, fieldId: onDeals } });
    await invoke("customFields.delete", { ...at, params: { ...at.params, fieldId: onCompanies } });
    await cleanedUp(org, onDeals);
    await cleanedUp(org, onCompanies);

    const readDeal = await invoke("deals.get", { ...at, params: { ...at.params, dealId: deal.body.id } });
    expect(readDeal.body.customFields).toEqual({});
    const readCompany = await invoke("companies.get", { ...at, params: { ...at.params, companyId: company.body.id } });
    expect(readCompany.body.customFields).toEqual({});
  });
});

describe("deleting an activity's custom field", () => {
  it("removes its values from the organisation's activities, keeps the others, and frees its key", async () => {
    const org = await anOrganisation();
    const at = { token: org.admin.token, params: { orgId: org.orgId } };
    const outcome = await define(org, "activity", "outcome");
    await define(org, "activity", "channel");
    const contact = await invoke("contacts.create", { ...at, body: { firstName: "Ada" } });
    const call = await invoke("activities.create", {
      ...at,
      body: {
        type: "call",
        subject: "Intro call",
        contactIds: [contact.body.id],
        customFields: { outcome: "Booked a demo", channel: "phone" },
      },
    });
    expect(call.status, JSON.stringify(call.body)).toBe(201);
    const note = await invoke("activities.create", {
      ...at,
      body: { type: "note", subject: "Prefers mornings", contactIds: [contact.body.id] },
    });

    await invoke("customFields.delete", { ...at, params: { ...at.params, fieldId: outcome } });
    await cleanedUp(org, outcome);

    const read = async (activityId: string) =>
      (await invoke("activities.get", { ...at, params: { ...at.params, activityId } })).body;
    expect((await read(call.body.id)).customFields).toEqual({ channel: "phone" });
    expect((await read(call.body.id)).version).toBe(2);
    expect((await read(note.body.id)).version).toBe(1);
    await define(org, "activity", "outcome");
  });
});
