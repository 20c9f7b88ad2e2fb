import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { anOrganisation, aPerson } from "../support/organisations";

describe("members", () => {
  it("an admin adds a member by email, who can then sign in to the organisation", async () => {
    const { orgId, admin } = await anOrganisation("Team");
    const person = aPerson("newcomer");
    const added = await invoke("members.add", {
      token: admin.token,
      params: { orgId },
      body: { email: person.email.toUpperCase(), role: "manager", name: "New Comer" },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ email: person.email, role: "manager", name: "New Comer" });

    const mine = await invoke("orgs.list", { token: person.token });
    expect(mine.body.data).toEqual([{ id: orgId, name: "Team", role: "manager" }]);
    expect((await invoke("orgs.get", { token: person.token, params: { orgId } })).status).toBe(200);
  });

  it("adding the same email twice is a 409 naming the existing member", async () => {
    const { orgId, admin, member } = await anOrganisation();
    const existing = await member("viewer");
    const again = await invoke("members.add", {
      token: admin.token,
      params: { orgId },
      body: { email: existing.email, role: "member" },
    });
    expect(again.status).toBe(409);
    expect(again.body.existing).toEqual({ type: "member", id: existing.memberId });
  });

  it("an admin changes a member's role, which takes effect on the member's next request", async () => {
    const { orgId, admin, member } = await anOrganisation();
    const viewer = await member("viewer");
    const create = () =>
      invoke("contacts.create", { token: viewer.token, params: { orgId }, body: { firstName: "Ada" } });
    expect((await create()).status).toBe(403);
    const changed = await invoke("members.update", {
      token: admin.token,
      params: { orgId, memberId: viewer.memberId },
      body: { role: "member" },
    });
    expect(changed.body.role).toBe("member");
    expect((await create()).status).toBe(201);
  });

  it("a removed member loses access at once", async () => {
    const { orgId, admin, member } = await anOrganisation();
    const leaver = await member("manager");
    const removed = await invoke("members.remove", {
      token: admin.token,
      params: { orgId, memberId: leaver.memberId },
    });
    expect(removed.status).toBe(204);
    expect((await invoke("orgs.get", { token: leaver.token, params: { orgId } })).status).toBe(404);
  });

  it("the last admin can be neither demoted nor removed", async () => {
    const { orgId, admin } = await anOrganisation();
    const demoted = await invoke("members.update", {
      token: admin.token,
      params: { orgId, memberId: admin.memberId },
      body: { role: "member" },
    });
    expect(demoted.status).toBe(409);
    expect(demoted.body.code).toBe("last-admin");
    const removed = await invoke("members.remove", { token: admin.token, params: { orgId, memberId: admin.memberId } });
    expect(removed.status).toBe(409);
    expect((await invoke("members.list", { token: admin.token, params: { orgId } })).body.data).toHaveLength(1);
  });

  it("two admins demoting each other at the same time leave one admin", async () => {
    const { orgId, admin, member } = await anOrganisation();
    const second = await member("admin");
    const results = await Promise.all([
      invoke("members.update", {
        token: admin.token,
        params: { orgId, memberId: second.memberId },
        body: { role: "member" },
      }),
      invoke("members.update", {
        token: second.token,
        params: { orgId, memberId: admin.memberId },
        body: { role: "member" },
      }),
    ]);
    // The loser either lost the race in the transaction (409 last-admin) or was already demoted when its request
    // was authorised (403); never do both succeed.
    const [winner, loser] = results.map((r) => r.status).sort();
    expect(winner).toBe(200);
    expect([403, 409]).toContain(loser);
    const list = await invoke("members.list", { token: admin.token, params: { orgId } });
    expect(list.body.data.filter((m: { role: string }) => m.role === "admin")).toHaveLength(1);
  });

  it("an admin can hand over: promote another member, then step down", async () => {
    const { orgId, admin, member } = await anOrganisation();
    const successor = await member("member");
    await invoke("members.update", {
      token: admin.token,
      params: { orgId, memberId: successor.memberId },
      body: { role: "admin" },
    });
    const stepDown = await invoke("members.update", {
      token: admin.token,
      params: { orgId, memberId: admin.memberId },
      body: { role: "viewer" },
    });
    expect(stepDown.status).toBe(200);
    expect(stepDown.body.role).toBe("viewer");
  });

  it("an unknown member id is a 404", async () => {
    const { orgId, admin } = await anOrganisation();
    const missing = await invoke("members.remove", {
      token: admin.token,
      params: { orgId, memberId: "mem_00000000000000000000000000" },
    });
    expect(missing.status).toBe(404);
  });
});
