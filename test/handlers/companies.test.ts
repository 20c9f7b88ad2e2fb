import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact } from "../support/builders";
import { anOrganisation } from "../support/organisations";

describe("companies", () => {
  it("are created with a normalised domain, updated and listed by name", async () => {
    const org = await anOrganisation();
    const { orgId, admin } = org;
    const created = await invoke("companies.create", {
      token: admin.token,
      params: { orgId },
      body: {
        name: "Initech",
        domain: "https://www.Initech.com/about",
        industry: "Software",
        size: "51-200",
        address: { city: "Austin", country: "US" },
        tags: ["Enterprise"],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "Initech",
      domain: "initech.com",
      size: "51-200",
      tags: ["enterprise"],
    });
    await aCompany(org, { name: "Acme" });

    const updated = await invoke("companies.update", {
      token: admin.token,
      params: { orgId, companyId: created.body.id },
      body: { name: "Initrode", address: null },
    });
    expect(updated.body).toMatchObject({ name: "Initrode", address: null, domain: "initech.com" });

    const byName = await invoke("companies.list", { token: admin.token, params: { orgId }, query: { sort: "name" } });
    expect(byName.body.data.map((c: { name: string }) => c.name)).toEqual(["Acme", "Initrode"]);
  });

  it("a domain is unique within the organisation", async () => {
    const { orgId, admin } = await anOrganisation();
    const first = await invoke("companies.create", {
      token: admin.token,
      params: { orgId },
      body: { name: "A", domain: "a.com" },
    });
    const second = await invoke("companies.create", {
      token: admin.token,
      params: { orgId },
      body: { name: "B", domain: "WWW.A.COM" },
    });
    expect(second.status).toBe(409);
    expect(second.body.existing).toEqual({ type: "company", id: first.body.id });
  });

  it("deleting a company unlinks its contacts and keeps them", async () => {
    const org = await anOrganisation();
    const { orgId, admin } = org;
    const { id: companyId } = await aCompany(org, { name: "Doomed", domain: "doomed.io" });
    const contactIds: string[] = [];
    for (const firstName of ["Ann", "Ben", "Cat"]) {
      contactIds.push((await aContact(org, { firstName, companyId })).id);
    }
    expect((await invoke("companies.delete", { token: admin.token, params: { orgId, companyId } })).status).toBe(204);

    for (const contactId of contactIds) {
      const contact = await invoke("contacts.get", { token: admin.token, params: { orgId, contactId } });
      expect(contact.status).toBe(200);
      expect(contact.body.companyId).toBeNull();
    }
    const stillLinked = await invoke("contacts.list", { token: admin.token, params: { orgId }, query: { companyId } });
    expect(stillLinked.body.data).toEqual([]);
    // The domain is free again.
    const reuse = await invoke("companies.create", {
      token: admin.token,
      params: { orgId },
      body: { name: "New", domain: "doomed.io" },
    });
    expect(reuse.status).toBe(201);
  });

  it("deleting a company with more contacts than one transaction holds unlinks them all", async () => {
    const org = await anOrganisation();
    const { orgId, admin } = org;
    const { id: companyId } = await aCompany(org, { name: "Big" });
    await Promise.all(Array.from({ length: 95 }, (_, index) => aContact(org, { firstName: `P${index}`, companyId })));
    expect((await invoke("companies.delete", { token: admin.token, params: { orgId, companyId } })).status).toBe(204);
    const linked = await invoke("contacts.list", { token: admin.token, params: { orgId }, query: { companyId } });
    expect(linked.body.data).toEqual([]);
    const all = await invoke("contacts.list", { token: admin.token, params: { orgId }, query: { limit: "100" } });
    expect(all.body.data).toHaveLength(95);
  });
});
