import { randomUUID } from "node:crypto";
import type { RouteId } from "@crm/core/declarations";
import { expect } from "vitest";
import { invoke } from "./api-events";
import { anEmail, type TestOrganisation } from "./organisations";

/**
 * The test records, each created through its real handler (as the organisation's admin unless a token is given),
 * with defaults that keep it unique in its organisation; `overrides` replace any of the defaults. Each asserts the
 * 201 and returns the created record. Tests that examine a create itself (its status, validation, headers,
 * idempotency) invoke the route directly instead.
 */
// biome-ignore lint/suspicious/noExplicitAny: tests inspect the records dynamically, as they do response bodies
type Created = Record<string, any> & { id: string; version: number };
type Overrides = Record<string, unknown>;

const unique = () => randomUUID().slice(0, 8);

async function created(routeId: RouteId, org: TestOrganisation, body: Overrides, token: string): Promise<Created> {
  const response = await invoke(routeId, { token, params: { orgId: org.orgId }, body });
  expect(response.status, `${routeId}: ${JSON.stringify(response.body)}`).toBe(201);
  return response.body;
}

/** A contact named Ada with a fresh email. */
export function aContact(org: TestOrganisation, overrides: Overrides = {}, token = org.admin.token) {
  return created("contacts.create", org, { firstName: "Ada", emails: [anEmail("contact")], ...overrides }, token);
}

/** A company with a fresh domain. */
export function aCompany(org: TestOrganisation, overrides: Overrides = {}, token = org.admin.token) {
  return created("companies.create", org, { name: "Acme", domain: `acme-${unique()}.example`, ...overrides }, token);
}

/** A deal of 4,000 EUR in the default pipeline's first stage. */
export function aDeal(org: TestOrganisation, overrides: Overrides = {}, token = org.admin.token) {
  const body = { title: "Forty licences", value: { amount: 4_000_00, currency: "EUR" }, ...overrides };
  return created("deals.create", org, body, token);
}

/** A pipeline with one open, one won and one lost stage. */
export function aPipeline(org: TestOrganisation, overrides: Overrides = {}, token = org.admin.token) {
  const stages = [
    { name: "Talking", probability: 20 },
    { name: "Won", kind: "won", probability: 100 },
    { name: "Lost", kind: "lost", probability: 0 },
  ];
  return created("pipelines.create", org, { name: `Partnerships ${unique()}`, stages, ...overrides }, token);
}

/** A note; linked to a new contact unless the overrides link it to something. */
export async function anActivity(org: TestOrganisation, overrides: Overrides = {}, token = org.admin.token) {
  const linked = ["contactIds", "companyIds", "dealIds"].some((field) => field in overrides);
  const links = linked ? {} : { contactIds: [(await aContact(org)).id] };
  return created("activities.create", org, { type: "note", subject: "Call notes", ...links, ...overrides }, token);
}

/** A custom field of contacts, key `tier`-like and type text unless the overrides say otherwise. */
export function aCustomField(org: TestOrganisation, overrides: Overrides = {}, token = org.admin.token) {
  const body = { recordType: "contact", key: `field${unique().replace(/-/g, "")}`, label: "Field", type: "text" };
  return created("customFields.create", org, { ...body, label: overrides.key ?? body.label, ...overrides }, token);
}
