import { MemberEntity } from "@crm/core/member";
import { describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { anOrganisation } from "../support/organisations";

// The bound under test, short enough to wait out; read once, before the first request.
const cacheMilliseconds = 1_500;
vi.hoisted(() => {
  process.env.MEMBERSHIP_CACHE_MS = "1500";
});

/** As if another container had changed the membership: straight in the table, so this container is not told. */
const elsewhere = {
  remove: (orgId: string, memberId: string) => MemberEntity.delete({ orgId, memberId }).go(),
  demote: (orgId: string, memberId: string) =>
    MemberEntity.patch({ orgId, memberId }).set({ role: "viewer" }).go({ response: "none" }),
};

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe("memberships kept by a container for a few seconds", () => {
  it("a member removed through the API loses access at once in the container that removed them", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const at = { token: member.token, params: { orgId: org.orgId } };
    expect((await invoke("orgs.get", at)).status).toBe(200);

    const removed = await invoke("members.remove", {
      token: org.admin.token,
      params: { orgId: org.orgId, memberId: member.memberId },
    });

    expect(removed.status).toBe(204);
    expect((await invoke("orgs.get", at)).status).toBe(404);
  });

  it("a role changed through the API applies at once in the container that changed it", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const write = () =>
      invoke("contacts.create", { token: member.token, params: { orgId: org.orgId }, body: { firstName: "Ada" } });
    expect((await write()).status).toBe(201);

    await invoke("members.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, memberId: member.memberId },
      body: { role: "viewer" },
    });

    expect((await write()).status).toBe(403);
  });

  it("a member removed in another container loses access here within the bound, not later", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const at = { token: member.token, params: { orgId: org.orgId } };
    expect((await invoke("orgs.get", at)).status).toBe(200);

    await elsewhere.remove(org.orgId, member.memberId);
    const removedAt = Date.now();
    const statuses: number[] = [];
    let status = 200;
    while (status === 200 && Date.now() - removedAt < cacheMilliseconds * 3) {
      status = (await invoke("orgs.get", at)).status;
      statuses.push(status);
      if (status === 200) await pause(100);
    }

    expect(status).toBe(404);
    expect(Date.now() - removedAt).toBeLessThan(cacheMilliseconds + 1_000);
    expect(statuses[0]).toBe(200); // kept: the removal is not seen at once from here
  });

  it("a role lowered in another container takes effect here within the bound", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const write = () =>
      invoke("contacts.create", { token: member.token, params: { orgId: org.orgId }, body: { firstName: "Ada" } });
    expect((await write()).status).toBe(201);

    await elsewhere.demote(org.orgId, member.memberId);
    await pause(cacheMilliseconds + 100);

    expect((await write()).status).toBe(403);
  });

  it("someone added as a member gets in at once: not being a member is never kept", async () => {
    const org = await anOrganisation();
    const outsider = await org.member("viewer");
    await invoke("members.remove", {
      token: org.admin.token,
      params: { orgId: org.orgId, memberId: outsider.memberId },
    });
    const at = { token: outsider.token, params: { orgId: org.orgId } };
    expect((await invoke("orgs.get", at)).status).toBe(404);

    const readded = await invoke("members.add", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { email: outsider.email, role: "viewer" },
    });

    expect(readded.status).toBe(201);
    expect((await invoke("orgs.get", at)).status).toBe(200);
  });
});
