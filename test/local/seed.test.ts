import { describe, expect, it } from "vitest";
import { demoContacts, demoPeople, seedDemoData } from "../../packages/local/src/seed";
import { invoke } from "../support/api-events";
import { tokenFor } from "../support/identity";

describe("demo seed data", () => {
  it("creates the demo organisation with an admin, a member, a viewer, companies and contacts, only once", async () => {
    const first = await seedDemoData();
    const second = await seedDemoData();
    expect(second).toMatchObject({ seeded: false, orgId: first.orgId });

    const admin = tokenFor(demoPeople.admin.email);
    const members = await invoke("members.list", { token: admin, params: { orgId: first.orgId } });
    expect(members.body.data.map((m: { email: string; role: string }) => [m.email, m.role]).sort()).toEqual([
      [demoPeople.admin.email, "admin"],
      [demoPeople.member.email, "member"],
      [demoPeople.viewer.email, "viewer"],
    ]);
    const contacts = await invoke("contacts.list", {
      token: admin,
      params: { orgId: first.orgId },
      query: { limit: "100" },
    });
    expect(contacts.body.data).toHaveLength(demoContacts().length);
    const companies = await invoke("companies.list", { token: admin, params: { orgId: first.orgId } });
    expect(companies.body.data.length).toBeGreaterThanOrEqual(10);

    const viewer = tokenFor(demoPeople.viewer.email);
    const refused = await invoke("contacts.create", {
      token: viewer,
      params: { orgId: first.orgId },
      body: { firstName: "X" },
    });
    expect(refused.status).toBe(403);
  });
});
