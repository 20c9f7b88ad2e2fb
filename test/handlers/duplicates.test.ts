import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact } from "../support/builders";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

const contactCandidates = async (org: TestOrganisation, contactId: string) => {
  const response = await invoke("contacts.duplicates", {
    token: org.admin.token,
    params: { orgId: org.orgId, contactId },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.data as { id: string; matchedOn: { kind: string; value: string }[] }[];
};

const companyCandidates = async (org: TestOrganisation, companyId: string) => {
  const response = await invoke("companies.duplicates", {
    token: org.admin.token,
    params: { orgId: org.orgId, companyId },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.data as { id: string; matchedOn: { kind: string; value: string }[] }[];
};

const groupsOf = async (org: TestOrganisation, type: "contact" | "company", token = org.admin.token) => {
  const response = await invoke("duplicates.list", { token, params: { orgId: org.orgId }, query: { type } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.data as { type: string; matchedOn: { kind: string; value: string }; recordIds: string[] }[];
};

describe("duplicate candidates", () => {
  it("pairs contacts whose emails reach the same mailbox, as soon as the second is written", async () => {
    const org = await anOrganisation();
    const ada = await aContact(org, { firstName: "Ada", emails: ["ada.lovelace@gmail.com"] });
    const twin = await aContact(org, {
      firstName: "A.",
      emails: ["other@example.com", "AdaLovelace+crm@googlemail.com"],
    });
    const stranger = await aContact(org, { firstName: "Charles", emails: ["charles@example.com"] });

    expect(await contactCandidates(org, ada.id)).toEqual([
      { id: twin.id, matchedOn: [{ kind: "email", value: "adalovelace@gmail.com" }] },
    ]);
    expect(await contactCandidates(org, twin.id)).toEqual([
      { id: ada.id, matchedOn: [{ kind: "email", value: "adalovelace@gmail.com" }] },
    ]);
    expect(await contactCandidates(org, stranger.id)).toEqual([]);
    expect(await groupsOf(org, "contact")).toEqual([
      { type: "contact", matchedOn: { kind: "email", value: "adalovelace@gmail.com" }, recordIds: [ada.id, twin.id] },
    ]);
  });

  it("pairs contacts by phone digits and by full name at the same primary company", async () => {
    const org = await anOrganisation();
    const company = await aCompany(org, { name: "Analytical Engines" });
    const first = await aContact(org, {
      firstName: "Ada",
      lastName: "Lovelace",
      phones: ["+44 20 7946 0958"],
      companyId: company.id,
    });
    const second = await aContact(org, { firstName: "ADA", lastName: "lovelace", companyId: company.id });
    const third = await aContact(org, { firstName: "Augusta", phones: ["+44 (20) 7946-0958"] });
    const elsewhere = await aContact(org, { firstName: "Ada", lastName: "Lovelace" });

    const candidates = await contactCandidates(org, first.id);
    expect(candidates).toHaveLength(2);
    expect(candidates).toEqual(
      expect.arrayContaining([
        { id: second.id, matchedOn: [{ kind: "name", value: `${company.id}:adalovelace` }] },
        { id: third.id, matchedOn: [{ kind: "phone", value: "442079460958" }] },
      ]),
    );
    expect(await contactCandidates(org, elsewhere.id)).toEqual([]);
  });

  it("drops a pair when an update changes the shared value, and finds the new one", async () => {
    const org = await anOrganisation();
    const ada = await aContact(org, { firstName: "Ada", emails: ["ada@example.com"] });
    const twin = await aContact(org, { firstName: "Ada", emails: ["ada+news@example.com"] });
    const other = await aContact(org, { firstName: "Grace", emails: ["grace@example.com"] });

    const update = await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: twin.id },
      body: { emails: ["grace+work@example.com"] },
    });
    expect(update.status).toBe(200);

    expect(await contactCandidates(org, ada.id)).toEqual([]);
    expect(await contactCandidates(org, other.id)).toEqual([
      { id: twin.id, matchedOn: [{ kind: "email", value: "grace@example.com" }] },
    ]);
    expect((await groupsOf(org, "contact")).map((group) => group.matchedOn.value)).toEqual(["grace@example.com"]);
  });

  it("drops a deleted contact's pairs and brings them back when it is restored", async () => {
    const org = await anOrganisation();
    const ada = await aContact(org, { firstName: "Ada", emails: ["ada@example.com"] });
    const twin = await aContact(org, { firstName: "Ada", emails: ["ada+crm@example.com"] });

    const params = { orgId: org.orgId, contactId: twin.id };
    expect((await invoke("contacts.delete", { token: org.admin.token, params })).status).toBe(204);
    expect(await contactCandidates(org, ada.id)).toEqual([]);
    expect(await groupsOf(org, "contact")).toEqual([]);

    const restored = await invoke("trash.restore", {
      token: org.admin.token,
      params: { orgId: org.orgId, recordId: twin.id },
    });
    expect(restored.status).toBe(200);
    expect((await contactCandidates(org, ada.id)).map((candidate) => candidate.id)).toEqual([twin.id]);
  });

  it("moves a contact's name pair with its primary company when that company is deleted", async () => {
    const org = await anOrganisation();
    const company = await aCompany(org, { name: "Analytical Engines" });
    const first = await aContact(org, { firstName: "Ada", lastName: "Lovelace", companyId: company.id });
    await aContact(org, { firstName: "Ada", lastName: "Lovelace", companyId: company.id });

    const deleted = await invoke("companies.delete", {
      token: org.admin.token,
      params: { orgId: org.orgId, companyId: company.id },
    });
    expect(deleted.status).toBe(204);
    expect(await contactCandidates(org, first.id)).toEqual([]);
    expect(await groupsOf(org, "contact")).toEqual([]);
  });

  it("pairs companies by the site their domains belong to and by name without a legal form", async () => {
    const org = await anOrganisation();
    const initech = await aCompany(org, { name: "Initech", domain: "initech.com" });
    const again = await aCompany(org, { name: "Initech Ltd", domain: "eu.initech.com" });
    const other = await aCompany(org, { name: "Initrode", domain: "initrode.com" });

    expect(await companyCandidates(org, initech.id)).toEqual([
      {
        id: again.id,
        matchedOn: [
          { kind: "domain", value: "initech.com" },
          { kind: "name", value: "initech" },
        ],
      },
    ]);
    expect(await companyCandidates(org, other.id)).toEqual([]);
    const groups = await groupsOf(org, "company");
    expect(groups.map((group) => [group.matchedOn.kind, group.recordIds])).toEqual([
      ["domain", [initech.id, again.id]],
      ["name", [initech.id, again.id]],
    ]);

    const renamed = await invoke("companies.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, companyId: again.id },
      body: { name: "Initrode", domain: null },
    });
    expect(renamed.status).toBe(200);
    expect(await companyCandidates(org, initech.id)).toEqual([]);
    expect((await companyCandidates(org, other.id)).map((candidate) => candidate.id)).toEqual([again.id]);
  });

  it("lists candidates for a viewer, page by page", async () => {
    const org = await anOrganisation();
    for (const name of ["Alpha", "Beta", "Gamma"]) {
      await aCompany(org, { name });
      await aCompany(org, { name: `${name} Inc` });
    }
    const viewer = await org.member("viewer");
    const first = await invoke("duplicates.list", {
      token: viewer.token,
      params: { orgId: org.orgId },
      query: { type: "company", limit: "2" },
    });
    expect(first.status).toBe(200);
    expect(first.body.data.map((group: { matchedOn: { value: string } }) => group.matchedOn.value)).toEqual([
      "alpha",
      "beta",
    ]);
    const second = await invoke("duplicates.list", {
      token: viewer.token,
      params: { orgId: org.orgId },
      query: { type: "company", limit: "2", cursor: first.body.nextCursor },
    });
    expect(second.body.data.map((group: { matchedOn: { value: string } }) => group.matchedOn.value)).toEqual(["gamma"]);
  });

  it("keeps both ids when two contacts gain the same key at the same moment", async () => {
    const org = await anOrganisation();
    const created = await Promise.all(
      ["a", "b", "c", "d"].map((tag) => aContact(org, { firstName: tag, emails: [`same+${tag}@example.com`] })),
    );
    const [group] = await groupsOf(org, "contact");
    expect(group?.recordIds.toSorted()).toEqual(created.map((contact) => contact.id).toSorted());
  });
});
