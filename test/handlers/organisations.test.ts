import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { anOrganisation, aPerson } from "../support/organisations";

describe("organisations", () => {
  it("a signed-in person creates an organisation and becomes its admin", async () => {
    const founder = aPerson("founder");
    const created = await invoke("orgs.create", { token: founder.token, body: { name: "Acme Ltd" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Acme Ltd" });
    expect(created.headers.location).toBe(`/v1/orgs/${created.body.id}`);

    const mine = await invoke("orgs.list", { token: founder.token });
    expect(mine.body.data).toEqual([{ id: created.body.id, name: "Acme Ltd", role: "admin" }]);
  });

  it("lists only the organisations the caller belongs to", async () => {
    const { orgId } = await anOrganisation();
    const stranger = aPerson("stranger");
    const listed = await invoke("orgs.list", { token: stranger.token });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((org: { id: string }) => org.id)).not.toContain(orgId);
  });

  it("refuses an organisation without a name, naming the field", async () => {
    const founder = aPerson();
    const refused = await invoke("orgs.create", { token: founder.token, body: { name: "" } });
    expect(refused.status).toBe(400);
    expect(refused.headers["content-type"]).toBe("application/problem+json");
    expect(refused.body.errors).toEqual([{ path: "body.name", message: expect.any(String) }]);
  });

  it("refuses unknown fields instead of ignoring them", async () => {
    const founder = aPerson();
    const refused = await invoke("orgs.create", { token: founder.token, body: { name: "X", adminCount: 99 } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: "body.adminCount", message: expect.stringContaining("Unknown") }]);
  });

  it("shows an organisation to its members and a 404 to everyone else", async () => {
    const { orgId, admin, member } = await anOrganisation("Visible");
    const viewer = await member("viewer");
    expect((await invoke("orgs.get", { token: viewer.token, params: { orgId } })).body.name).toBe("Visible");
    expect((await invoke("orgs.get", { token: admin.token, params: { orgId } })).status).toBe(200);
    const outsider = aPerson("outsider");
    const hidden = await invoke("orgs.get", { token: outsider.token, params: { orgId } });
    expect(hidden.status).toBe(404);
  });

  it("requires a token", async () => {
    const refused = await invoke("orgs.list");
    expect(refused.status).toBe(401);
    expect(refused.headers["www-authenticate"]).toMatch(/^Bearer/);
  });
});
