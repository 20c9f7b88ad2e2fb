import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact } from "../support/builders";
import { anOrganisation } from "../support/organisations";

type Entry = {
  recordType: string;
  recordId: string;
  action: string;
  actorId: string;
  requestId: string;
  changes: { field: string; before: unknown; after: unknown }[];
};

describe("the audit log", () => {
  it("records every change to a contact with its actor and field-level before and after, newest first", async () => {
    const { orgId, admin, member } = await anOrganisation();
    const seller = await member("member");
    const created = await invoke("contacts.create", {
      token: seller.token,
      params: { orgId },
      body: { firstName: "Ada", emails: ["ada@example.com"] },
    });
    const contactId = created.body.id;
    await invoke("contacts.update", {
      token: admin.token,
      params: { orgId, contactId },
      body: { title: "Countess", firstName: "Augusta" },
    });
    await invoke("contacts.delete", { token: admin.token, params: { orgId, contactId } });

    const history = await invoke("audit.list", {
      token: admin.token,
      params: { orgId },
      query: { recordId: contactId },
    });
    expect(history.status).toBe(200);
    const entries: Entry[] = history.body.data;
    expect(entries.map((entry) => entry.action)).toEqual(["deleted", "updated", "created"]);
    expect(entries[2]).toMatchObject({ recordType: "contact", actorId: seller.memberId });
    expect(entries[2]?.changes).toEqual(
      expect.arrayContaining([
        { field: "firstName", before: null, after: "Ada" },
        { field: "emails", before: null, after: ["ada@example.com"] },
      ]),
    );
    expect(entries[1]).toMatchObject({ actorId: admin.memberId });
    expect(entries[1]?.changes).toEqual([
      { field: "firstName", before: "Ada", after: "Augusta" },
      { field: "title", before: null, after: "Countess" },
    ]);
    expect(entries[0]?.changes).toEqual(
      expect.arrayContaining([{ field: "firstName", before: "Augusta", after: null }]),
    );
  });

  it("covers members and companies, organisation-wide, and records nothing for a refused change", async () => {
    const org = await anOrganisation();
    const { orgId, admin, member } = org;
    const viewer = await member("viewer");
    await invoke("members.update", {
      token: admin.token,
      params: { orgId, memberId: viewer.memberId },
      body: { role: "manager" },
    });
    const company = await aCompany(org, { name: "Initech" });
    await aContact(org, { firstName: "X", companyId: company.id });
    await invoke("companies.delete", { token: admin.token, params: { orgId, companyId: company.id } });
    const refused = await invoke("members.update", {
      token: admin.token,
      params: { orgId, memberId: admin.memberId },
      body: { role: "viewer" },
    });
    expect(refused.status).toBe(409);

    const all = await invoke("audit.list", { token: admin.token, params: { orgId }, query: { limit: "100" } });
    const summary = all.body.data.map((entry: Entry) => `${entry.recordType} ${entry.action}`);
    expect(summary).toEqual([
      "company deleted",
      "contact updated",
      "contact created",
      "company created",
      "member updated",
      "member created",
      "member created",
    ]);
    const roleChange = all.body.data.find(
      (entry: Entry) => entry.recordType === "member" && entry.action === "updated",
    );
    expect(roleChange.changes).toEqual([{ field: "role", before: "viewer", after: "manager" }]);
    const unlink = all.body.data.find((entry: Entry) => entry.recordType === "contact" && entry.action === "updated");
    expect(unlink.changes).toEqual([
      { field: "companyId", before: company.id, after: null },
      { field: "companyIds", before: [company.id], after: [] },
    ]);
  });

  it("is for admins only", async () => {
    const { orgId, member } = await anOrganisation();
    const manager = await member("manager");
    expect((await invoke("audit.list", { token: manager.token, params: { orgId } })).status).toBe(403);
  });
});
