import { describe, expect, it } from "vitest";
import { type ApiResponse, invoke } from "../support/api-events";
import { aCompany, aContact, aDeal } from "../support/builders";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

type Result = { type: string; id: string; label: string; detail: string | null; match: string };

function searchFor(
  org: TestOrganisation,
  q: string,
  options: { types?: string; limit?: string; token?: string } = {},
): Promise<ApiResponse> {
  const { token = org.admin.token, ...query } = options;
  return invoke("search.query", { token, params: { orgId: org.orgId }, query: { q, ...query } });
}

async function resultsFor(org: TestOrganisation, q: string, options: { types?: string; limit?: string } = {}) {
  const response = await searchFor(org, q, options);
  expect(response.status).toBe(200);
  return response.body.data as Result[];
}

async function idsFound(org: TestOrganisation, q: string, options: { types?: string; limit?: string } = {}) {
  return (await resultsFor(org, q, options)).map((result) => result.id);
}

describe("search", () => {
  it("finds a contact by the start of its first name, its last name or its full name", async () => {
    const org = await anOrganisation();
    const { id: ada } = await aContact(org, {
      firstName: "Ada",
      lastName: "Lovelace",
      emails: ["ada@analytical.example"],
    });

    for (const q of ["ad", "Ada", "lovel", "ada lov", "Ada Lovelace", "lovelace ada"]) {
      expect(await idsFound(org, q), q).toEqual([ada]);
    }
    expect(await resultsFor(org, "ada lov")).toEqual([
      { type: "contact", id: ada, label: "Ada Lovelace", detail: "ada@analytical.example", match: "prefix" },
    ]);
  });

  it("finds a contact by any of its emails, an email's domain, and its phone digits however they are written", async () => {
    const org = await anOrganisation();
    const { id: ada } = await aContact(org, {
      firstName: "Ada",
      emails: ["ada@analytical.example", "countess@lovelace.example"],
      phones: ["+44 20 7946 0958"],
    });

    for (const q of [
      "countess@love",
      "ada@analytical.example",
      "lovelace.example",
      "analytical",
      "+44 20",
      "4420 7946",
    ]) {
      expect(await idsFound(org, q), q).toEqual([ada]);
    }
  });

  it("ignores case and accents: zoe finds Zoë and SALDANA finds Saldaña", async () => {
    const org = await anOrganisation();
    const { id: zoe } = await aContact(org, { firstName: "Zoë", lastName: "Saldaña" });

    for (const q of ["zoe", "ZOË", "saldana", "SALDANA", "zoe saldaña"]) {
      expect(await idsFound(org, q), q).toEqual([zoe]);
    }
    expect((await resultsFor(org, "zoe"))[0]?.label).toBe("Zoë Saldaña");
  });

  it("finds names in any script, and not the names that merely sort nearby", async () => {
    const org = await anOrganisation();
    const { id: eleni } = await aContact(org, { firstName: "Ελένη", lastName: "Παπαδοπούλου" });
    const { id: zhang } = await aContact(org, { firstName: "张", lastName: "𠀋伟" });
    await aContact(org, { firstName: "Ελπίδα" });

    expect(await idsFound(org, "ελεν")).toEqual([eleni]);
    expect(await idsFound(org, "ΠΑΠΑΔΟΠΟΥΛΟΥ")).toEqual([eleni]);
    expect(await idsFound(org, "𠀋")).toEqual([zhang]);
  });

  it("finds a company by the start of its name, a word of its name, or its domain", async () => {
    const org = await anOrganisation();
    const { id: initech } = await aCompany(org, { name: "Initech Software", domain: "https://www.initech.example" });

    for (const q of ["ini", "INITECH", "software", "initech.ex", "initech.example"]) {
      expect(await idsFound(org, q), q).toEqual([initech]);
    }
    expect(await resultsFor(org, "initech")).toEqual([
      { type: "company", id: initech, label: "Initech Software", detail: "initech.example", match: "exact" },
    ]);
  });

  it("lists exact term matches before prefix matches, the prefix matches by matched term, and always alike", async () => {
    const org = await anOrganisation();
    await aContact(org, { firstName: "Annabel", lastName: "Lee" });
    await aCompany(org, { name: "Ann Arbor Partners" });
    await aContact(org, { firstName: "Anna", lastName: "Jones" });
    await aContact(org, { firstName: "Ann", lastName: "Smith" });

    const results = await resultsFor(org, "ann");
    expect(results.map(({ label, match }) => [label, match])).toEqual([
      ["Ann Smith", "exact"],
      ["Ann Arbor Partners", "exact"],
      ["Anna Jones", "prefix"],
      ["Annabel Lee", "prefix"],
    ]);
    expect(await resultsFor(org, "ann")).toEqual(results);
  });

  it("searches only the requested record types", async () => {
    const org = await anOrganisation();
    const { id: contact } = await aContact(org, { firstName: "Globex", lastName: "Liaison" });
    const { id: company } = await aCompany(org, { name: "Globex" });

    expect(await idsFound(org, "globex", { types: "company" })).toEqual([company]);
    expect(await idsFound(org, "globex", { types: "contact" })).toEqual([contact]);
    expect((await idsFound(org, "globex", { types: "contact,company" })).sort()).toEqual([contact, company].sort());
  });

  it("returns at most `limit` results", async () => {
    const org = await anOrganisation();
    for (const lastName of ["One", "Two", "Three"]) await aContact(org, { firstName: "Sam", lastName });

    expect(await idsFound(org, "sam")).toHaveLength(3);
    expect(await idsFound(org, "sam", { limit: "2" })).toHaveLength(2);
  });

  it("reflects an update immediately: the old name is no longer found, the new one is, with new display fields", async () => {
    const org = await anOrganisation();
    const { id: grace } = await aContact(org, {
      firstName: "Grace",
      lastName: "Hopper",
      emails: ["grace@navy.example"],
    });

    const updated = await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: grace },
      body: { lastName: "Brewster", emails: ["grace@vassar.example"] },
    });
    expect(updated.status).toBe(200);

    expect(await idsFound(org, "hopper")).toEqual([]);
    expect(await idsFound(org, "navy")).toEqual([]);
    expect(await idsFound(org, "brewster")).toEqual([grace]);
    expect(await resultsFor(org, "grace")).toEqual([
      { type: "contact", id: grace, label: "Grace Brewster", detail: "grace@vassar.example", match: "exact" },
    ]);
  });

  it("reflects a company's new name and domain immediately", async () => {
    const org = await anOrganisation();
    const { id: company } = await aCompany(org, { name: "Initrode", domain: "initrode.example" });

    await invoke("companies.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, companyId: company },
      body: { name: "Intertrode", domain: null },
    });

    expect(await idsFound(org, "initrode")).toEqual([]);
    expect(await resultsFor(org, "intertrode")).toEqual([
      { type: "company", id: company, label: "Intertrode", detail: null, match: "exact" },
    ]);
  });

  it("forgets deleted contacts and companies at once, and keeps finding the contacts a deleted company had", async () => {
    const org = await anOrganisation();
    const { id: company } = await aCompany(org, { name: "Vandelay Industries", domain: "vandelay.example" });
    const { id: art } = await aContact(org, { firstName: "Art", lastName: "Vandelay", companyId: company });
    const { id: kel } = await aContact(org, { firstName: "Kel", lastName: "Varnsen" });

    await invoke("contacts.delete", { token: org.admin.token, params: { orgId: org.orgId, contactId: kel } });
    await invoke("companies.delete", { token: org.admin.token, params: { orgId: org.orgId, companyId: company } });

    expect(await idsFound(org, "varnsen")).toEqual([]);
    expect(await idsFound(org, "vandelay")).toEqual([art]);
    expect(await idsFound(org, "vandelay.example")).toEqual([]);
  });

  it("never shows another organisation's records", async () => {
    const mine = await anOrganisation();
    const theirs = await anOrganisation("Other");
    const { id: ada } = await aContact(mine, { firstName: "Ada" });
    await aContact(theirs, { firstName: "Ada" });
    await aCompany(theirs, { name: "Ada Industries" });

    expect(await idsFound(mine, "ada")).toEqual([ada]);
  });

  it("lets a viewer search", async () => {
    const org = await anOrganisation();
    const { id: ada } = await aContact(org, { firstName: "Ada" });
    const viewer = await org.member("viewer");

    const response = await searchFor(org, "ada", { token: viewer.token });
    expect(response.status).toBe(200);
    expect(response.body.data.map((result: Result) => result.id)).toEqual([ada]);
  });

  it("answers a query of punctuation only with no results", async () => {
    const org = await anOrganisation();
    await aContact(org, { firstName: "Ada" });

    expect(await idsFound(org, "@.-")).toEqual([]);
  });

  it.each([
    ["an empty query", { q: "" }, "query.q"],
    ["a query of spaces", { q: "   " }, "query.q"],
    ["a query over 100 characters", { q: "a".repeat(101) }, "query.q"],
    ["an unknown record type", { q: "ada", types: "contact,spaceship" }, "query.types.1"],
    ["a limit over 50", { q: "ada", limit: "51" }, "query.limit"],
  ])("refuses %s with a 400 naming the field", async (_, query, path) => {
    const org = await anOrganisation();
    const response = await invoke("search.query", { token: org.admin.token, params: { orgId: org.orgId }, query });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path, message: expect.any(String) }]);
  });
});

describe("searching deals", () => {
  it("finds a deal by its title or a word of it, shows its value, and forgets it once deleted", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org, { title: "Fleet Telematics rollout", value: { amount: 48_000_00, currency: "EUR" } });
    const find = async (q: string) =>
      (
        await invoke("search.query", {
          token: org.admin.token,
          params: { orgId: org.orgId },
          query: { q, types: "deal" },
        })
      ).body.data;
    expect(await find("fleet tele")).toEqual([
      { type: "deal", id: deal.id, label: "Fleet Telematics rollout", detail: "€48,000.00", match: "prefix" },
    ]);
    expect((await find("rollout"))[0]).toMatchObject({ id: deal.id, match: "exact" });
    await invoke("deals.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
      body: { title: "Warehouse scanners" },
    });
    expect(await find("fleet")).toEqual([]);
    expect((await find("scanners"))[0]).toMatchObject({ id: deal.id });
    await invoke("deals.delete", { token: org.admin.token, params: { orgId: org.orgId, dealId: deal.id } });
    expect(await find("warehouse")).toEqual([]);
  });
});
