import { contracts, openApiDocument } from "@crm/core/api";
import type { RouteId } from "@crm/core/declarations";
import { startHttpGateway } from "@crm/local/gateway";
import {
  localPostmanEnvironment,
  type PostmanCollection,
  type PostmanRequestItem,
  postmanCollection,
} from "@crm/sdk-gen/postman";
import newman, { type NewmanRunSummary } from "newman";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anOrganisation } from "../support/organisations";

const document = openApiDocument();
// What a user imports: the collection as the JSON file `npm run sdk` writes.
const collection: PostmanCollection = JSON.parse(JSON.stringify(postmanCollection(document)));
const requests = collection.item.flatMap((folder) => folder.item);
const requestFor = (operationId: string): PostmanRequestItem => {
  const request = requests.find((item) => item.id === operationId);
  if (!request) throw new Error(`The collection has no request ${operationId}.`);
  return request;
};

/** An id of the declared shape for every `{{contactId}}`-like variable in a body, as a caller's would be. */
const withExampleIds = (raw: string) =>
  JSON.parse(raw.replace(/\{\{(\w+)\}\}/g, (_, name: string) => `${name.slice(0, 3)}_0example`));

describe("the Postman collection", () => {
  it("is a v2.1 collection whose requests use the collection's bearer auth with {{token}}, except the public ones", () => {
    expect(collection.info.schema).toBe("https://schema.getpostman.com/json/collection/v2.1.0/collection.json");
    expect(collection.auth).toEqual({ type: "bearer", bearer: [{ key: "token", value: "{{token}}", type: "string" }] });
    const publicRoutes = Object.values(document.paths ?? {})
      .flatMap((item) => Object.values(item as Record<string, { operationId: string; security: unknown[] }>))
      .filter((operation) => operation.security.length === 0)
      .map((operation) => operation.operationId);
    expect(publicRoutes).toContain("health.get");
    const withoutAuth = requests.filter((item) => item.request.auth?.type === "noauth").map((item) => item.id);
    expect(withoutAuth.sort()).toEqual(publicRoutes.sort());
    expect(requests.filter((item) => item.request.auth && item.request.auth.type !== "noauth")).toEqual([]);
  });

  it("has a folder per tag, holding every operation of the document exactly once", () => {
    const operations = Object.values(document.paths ?? {}).flatMap((item) =>
      Object.values(item as Record<string, { operationId: string; tags: string[] }>),
    );
    const tags = [...new Set(operations.map((operation) => operation.tags[0]))];
    expect(collection.item.map((folder) => folder.name)).toEqual(tags);
    expect(requests.map((item) => item.id).sort()).toEqual(operations.map((operation) => operation.operationId).sort());
    expect(collection.item.find((folder) => folder.name === "Contacts")?.item.map((item) => item.id)).toContain(
      "contacts.create",
    );
  });

  it("writes path parameters as :name with a variable of the same name, and optional query parameters switched off", () => {
    const { url } = requestFor("contacts.get").request;
    expect(url.raw).toBe("{{baseUrl}}/v1/orgs/:orgId/contacts/:contactId");
    expect(url.path).toEqual(["v1", "orgs", ":orgId", "contacts", ":contactId"]);
    expect(url.variable.map(({ key, value }) => ({ key, value }))).toEqual([
      { key: "orgId", value: "{{orgId}}" },
      { key: "contactId", value: "{{contactId}}" },
    ]);
    const list = requestFor("contacts.list").request.url;
    expect(list.query.find((parameter) => parameter.key === "limit")).toMatchObject({ value: "25", disabled: true });
    expect(list.query.find((parameter) => parameter.key === "sort")).toMatchObject({ value: "createdAt" });
  });

  it("carries an example body on every request with a body, which the route's own schema accepts", () => {
    const withBody = requests.filter((item) => item.request.body);
    expect(withBody.length).toBeGreaterThan(30);
    const rejected = withBody.flatMap((item) => {
      const schema = (contracts[item.id as RouteId] as { body?: { safeParse: (value: unknown) => unknown } }).body;
      const result = schema?.safeParse(withExampleIds(item.request.body?.raw ?? "")) as
        | { success: boolean; error?: { issues: unknown[] } }
        | undefined;
      return result?.success ? [] : [{ request: item.id, issues: result?.error?.issues }];
    });
    expect(rejected).toEqual([]);
  });

  it("keeps a create's new id in the variable its record's paths use", () => {
    expect(requestFor("contacts.create").event?.[0]?.script.exec.join("\n")).toContain(
      'pm.environment.set("contactId", pm.response.json().id)',
    );
    expect(requestFor("orgs.create").event?.[0]?.script.exec.join("\n")).toContain('pm.environment.set("orgId"');
    expect(requestFor("contacts.list").event).toBeUndefined();
  });

  it("comes with an environment for the local cloud: its URL, a token and every path parameter", () => {
    const environment = localPostmanEnvironment(document);
    const values = Object.fromEntries(environment.values.map(({ key, value }) => [key, value]));
    expect(values).toMatchObject({ baseUrl: "http://127.0.0.1:3000", token: "", orgId: "", contactId: "" });
    expect(environment.values.find(({ key }) => key === "token")?.type).toBe("secret");
  });
});

describe("the Postman collection run by newman against the local gateway", () => {
  let gateway: Awaited<ReturnType<typeof startHttpGateway>>;
  beforeAll(async () => {
    gateway = await startHttpGateway({ port: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const run = (items: PostmanRequestItem[], variables: Record<string, string>) =>
    new Promise<NewmanRunSummary>((resolve, reject) => {
      const environment = localPostmanEnvironment(document);
      for (const value of environment.values) value.value = variables[value.key] ?? value.value;
      newman.run(
        { collection: { ...collection, item: items } as never, environment: environment as never, reporters: [] },
        (error, summary) => (error ? reject(error) : resolve(summary)),
      );
    });

  it("creates, reads, lists, updates and deletes a contact with the collection's own requests and examples", async () => {
    const organisation = await anOrganisation("Postman");
    const steps = ["contacts.create", "contacts.get", "contacts.list", "contacts.update", "contacts.delete"];

    const summary = await run(steps.map(requestFor), {
      baseUrl: gateway.url,
      token: organisation.admin.token,
      orgId: organisation.orgId,
    });

    expect(summary.run.failures).toEqual([]);
    const answers = summary.run.executions.map((execution) => ({
      request: execution.item.id,
      status: execution.response.code,
    }));
    expect(answers).toEqual([
      { request: "contacts.create", status: 201 },
      { request: "contacts.get", status: 200 },
      { request: "contacts.list", status: 200 },
      { request: "contacts.update", status: 200 },
      { request: "contacts.delete", status: 204 },
    ]);
    const body = (index: number) => JSON.parse(summary.run.executions[index]?.response.stream?.toString() ?? "null");
    const contactId = summary.environment.get("contactId");
    expect(body(0)).toMatchObject({ id: contactId, firstName: "Ada", lastName: "Lovelace" });
    expect(body(2).data.map((contact: { id: string }) => contact.id)).toEqual([contactId]);
    expect(body(3)).toMatchObject({ id: contactId, title: "Countess" });
    const afterwards = await fetch(`${gateway.url}/v1/orgs/${organisation.orgId}/contacts/${contactId}`, {
      headers: { authorization: `Bearer ${organisation.admin.token}` },
    });
    expect(afterwards.status).toBe(404);
  });
});
