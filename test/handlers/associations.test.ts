import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact, aDeal, anActivity } from "../support/builders";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

type Link = { type: string; id: string; primary: boolean };

async function linksOf(
  org: TestOrganisation,
  record: { type: "contact" | "company" | "deal"; id: string },
  type?: string,
) {
  const query: Record<string, string> = type ? { type } : {};
  const params = { orgId: org.orgId };
  const response =
    record.type === "contact"
      ? await invoke("contacts.associations", {
          token: org.admin.token,
          params: { ...params, contactId: record.id },
          query,
        })
      : record.type === "company"
        ? await invoke("companies.associations", {
            token: org.admin.token,
            params: { ...params, companyId: record.id },
            query,
          })
        : await invoke("deals.associations", {
            token: org.admin.token,
            params: { ...params, dealId: record.id },
            query,
          });
  expect(response.status).toBe(200);
  return (response.body.data as Link[])
    .map((link) => `${link.type}:${link.id}${link.primary ? ":primary" : ""}`)
    .sort();
}

describe("associations", () => {
  it("a contact works with several companies, one of them primary, listed from both sides", async () => {
    const org = await anOrganisation();
    const acme = await aCompany(org, { name: "Acme" });
    const globex = await aCompany(org, { name: "Globex" });
    const contact = await aContact(org, { companyIds: [acme.id, globex.id], companyId: globex.id });
    expect(contact).toMatchObject({ companyId: globex.id, companyIds: [globex.id, acme.id] });

    expect(await linksOf(org, { type: "contact", id: contact.id })).toEqual(
      [`company:${acme.id}`, `company:${globex.id}:primary`].sort(),
    );
    expect(await linksOf(org, { type: "company", id: globex.id })).toEqual([`contact:${contact.id}:primary`]);
    expect(await linksOf(org, { type: "company", id: acme.id })).toEqual([`contact:${contact.id}`]);

    const changed = await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: contact.id },
      body: { companyId: acme.id },
    });
    expect(changed.body).toMatchObject({ companyId: acme.id, companyIds: [acme.id, globex.id] });
    expect(await linksOf(org, { type: "company", id: acme.id })).toEqual([`contact:${contact.id}:primary`]);
    expect(await linksOf(org, { type: "company", id: globex.id })).toEqual([`contact:${contact.id}`]);

    await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: contact.id },
      body: { companyIds: [globex.id] },
    });
    expect(await linksOf(org, { type: "company", id: acme.id })).toEqual([]);
  });

  it("a deal lists its contacts and company, and each of them lists the deal", async () => {
    const org = await anOrganisation();
    const acme = await aCompany(org, { name: "Acme" });
    const ada = await aContact(org, { firstName: "Ada" });
    const grace = await aContact(org, { firstName: "Grace" });
    const deal = await aDeal(org, { contactIds: [ada.id, grace.id], companyId: acme.id });
    expect(await linksOf(org, { type: "deal", id: deal.id })).toEqual(
      [`contact:${ada.id}`, `contact:${grace.id}`, `company:${acme.id}`].sort(),
    );
    expect(await linksOf(org, { type: "contact", id: ada.id }, "deal")).toEqual([`deal:${deal.id}`]);
    expect(await linksOf(org, { type: "company", id: acme.id }, "deal")).toEqual([`deal:${deal.id}`]);

    await invoke("deals.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
      body: { contactIds: [grace.id], companyId: null },
    });
    expect(await linksOf(org, { type: "contact", id: ada.id })).toEqual([]);
    expect(await linksOf(org, { type: "company", id: acme.id })).toEqual([]);
    expect(await linksOf(org, { type: "deal", id: deal.id })).toEqual([`contact:${grace.id}`]);
  });

  it("refuses a link to a company that does not exist and writes nothing", async () => {
    const org = await anOrganisation();
    const acme = await aCompany(org, { name: "Acme" });
    const refused = await invoke("contacts.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { firstName: "Ada", companyIds: [acme.id, "com_01jd8x4k2q7v3m9t5r1w6y8z0a"] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe("body.companyIds");
    expect(await linksOf(org, { type: "company", id: acme.id })).toEqual([]);
  });
});

describe("deleting a record leaves nothing pointing at it", () => {
  it("a deleted company is taken off its contacts (the next company becomes primary), deals and activities", async () => {
    const org = await anOrganisation();
    const acme = await aCompany(org, { name: "Acme" });
    const globex = await aCompany(org, { name: "Globex" });
    const contact = await aContact(org, { companyIds: [acme.id, globex.id] });
    const deal = await aDeal(org, { companyId: acme.id, contactIds: [contact.id] });
    const onlyAcme = await anActivity(org, { type: "note", subject: "About Acme", companyIds: [acme.id] });
    const shared = await anActivity(org, {
      type: "call",
      subject: "Acme and Ada",
      companyIds: [acme.id],
      contactIds: [contact.id],
    });

    const deleted = await invoke("companies.delete", {
      token: org.admin.token,
      params: { orgId: org.orgId, companyId: acme.id },
    });
    expect(deleted.status).toBe(204);

    const after = await invoke("contacts.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: contact.id },
    });
    expect(after.body).toMatchObject({ companyId: globex.id, companyIds: [globex.id] });
    expect(await linksOf(org, { type: "contact", id: contact.id }, "company")).toEqual([
      `company:${globex.id}:primary`,
    ]);
    const dealAfter = await invoke("deals.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(dealAfter.body.companyId).toBeNull();
    expect(await linksOf(org, { type: "deal", id: deal.id })).toEqual([`contact:${contact.id}`]);
    const gone = await invoke("activities.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, activityId: onlyAcme.id },
    });
    expect(gone.status).toBe(404);
    const kept = await invoke("activities.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, activityId: shared.id },
    });
    expect(kept.body).toMatchObject({ companyIds: [], contactIds: [contact.id] });
  });

  it("a deleted contact is taken off its deals and activities; a deleted deal off its contacts", async () => {
    const org = await anOrganisation();
    const ada = await aContact(org, { firstName: "Ada" });
    const grace = await aContact(org, { firstName: "Grace" });
    const deal = await aDeal(org, { contactIds: [ada.id, grace.id] });
    const call = await anActivity(org, { type: "call", subject: "Call", contactIds: [ada.id], dealIds: [deal.id] });

    expect(
      (await invoke("contacts.delete", { token: org.admin.token, params: { orgId: org.orgId, contactId: ada.id } }))
        .status,
    ).toBe(204);
    const dealAfter = await invoke("deals.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(dealAfter.body.contactIds).toEqual([grace.id]);
    expect(await linksOf(org, { type: "deal", id: deal.id })).toEqual([`contact:${grace.id}`]);
    const callAfter = await invoke("activities.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, activityId: call.id },
    });
    expect(callAfter.body).toMatchObject({ contactIds: [], dealIds: [deal.id] });

    expect(
      (await invoke("deals.delete", { token: org.admin.token, params: { orgId: org.orgId, dealId: deal.id } })).status,
    ).toBe(204);
    expect(await linksOf(org, { type: "contact", id: grace.id })).toEqual([]);
    const orphan = await invoke("activities.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, activityId: call.id },
    });
    expect(orphan.status).toBe(404);
  });

  it("a link made while its company is being deleted either fails or is removed with it", async () => {
    const org = await anOrganisation();
    for (let round = 0; round < 3; round++) {
      const company = await aCompany(org, { name: `Racing ${round}` });
      await aContact(org, { firstName: `Early ${round}`, companyId: company.id });
      const [deletion, creation] = await Promise.all([
        invoke("companies.delete", { token: org.admin.token, params: { orgId: org.orgId, companyId: company.id } }),
        invoke("contacts.create", {
          token: org.admin.token,
          params: { orgId: org.orgId },
          body: { firstName: `Late ${round}`, companyId: company.id },
        }),
      ]);
      const stillThere =
        (await invoke("companies.get", { token: org.admin.token, params: { orgId: org.orgId, companyId: company.id } }))
          .status === 200;
      if (creation.status === 201 && !stillThere) {
        const contact = await invoke("contacts.get", {
          token: org.admin.token,
          params: { orgId: org.orgId, contactId: creation.body.id },
        });
        expect(contact.body.companyIds).not.toContain(company.id);
      }
      expect([204, 409]).toContain(deletion.status);
      expect([201, 400]).toContain(creation.status);
    }
  });
});
