import { randomUUID } from "node:crypto";
import type { Role } from "@crm/core/declarations";
import { checkUploadedFile } from "@crm/core/file";
import { useHostResolver } from "@crm/core/webhook";
import { type LocalBus, startLocalBus } from "@crm/local/events";
import { expect } from "vitest";
import { invoke } from "../../support/api-events";
import { aCompany, aContact, aDeal, anActivity, aPipeline } from "../../support/builders";
import { aDomainEvent } from "../../support/events";
import { anUploadedFile, linkLocalS3 } from "../../support/files";
import { aStoredConnection } from "../../support/integrations";
import { anOrganisation, type Person, type TestOrganisation } from "../../support/organisations";
import { dispatch } from "../../webhooks/support/webhooks";

/**
 * An organisation with one record of every kind a route's path or body can name, for the attack and fuzz suites:
 * its ids by path-parameter name and by id prefix, one person per role, and `secrets`, the strings of its data
 * (marked names and emails, ids) that must never reach a caller of another organisation.
 */
export type SeededOrganisation = {
  org: TestOrganisation;
  people: Record<Role, Person>;
  /** The id a path parameter of that name takes (`contactId` → a contact), or a valid value (`provider`). */
  byParameter: Record<string, string>;
  /** Ids by their prefix (`con` → contacts), for body and query fields typed as ids. */
  byPrefix: Record<string, string[]>;
  /** A marker in every name and email of the seeded records. */
  marker: string;
  secrets: string[];
};

/** The id of a `{ type, id }` reference's record of that type (`deal` → the deal), as its path parameter names it. */
export function idOfType(seeded: SeededOrganisation, type: string): string | undefined {
  return seeded.byParameter[`${type}Id`];
}

/**
 * Starts what the seeded records and the routes need besides DynamoDB Local (a local S3 and bus; webhook hosts that
 * never resolve, so deliveries fail at once without the network) and returns the function that stops them.
 */
export async function startSupportingServices(): Promise<() => Promise<void>> {
  const s3 = await linkLocalS3();
  let bus: LocalBus | undefined;
  try {
    bus = await startLocalBus({ busName: "crm-test-bus", subscriptions: {} });
  } catch (error) {
    await s3.close();
    throw error;
  }
  process.env.SST_RESOURCE_CrmBus = JSON.stringify({ name: "crm-test-bus" });
  process.env.EVENTBRIDGE_ENDPOINT = bus.endpoint;
  useHostResolver(async (host) => {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  });
  return async () => {
    useHostResolver();
    await bus?.close();
    await s3.close();
  };
}

async function anAvailableFile(org: TestOrganisation, dealId: string, name: string, contentType: string, text: string) {
  const bytes = new TextEncoder().encode(text);
  const { fileId, key } = await anUploadedFile(org, [{ type: "deal", id: dealId }], { name, contentType, bytes });
  expect(await checkUploadedFile(key)).toBe("available");
  return fileId;
}

function ok<T extends { status: number; body: unknown }>(response: T, what: string): T {
  expect(response.status, `${what}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
  return response;
}

/** Seeds an organisation through the API (and a stored connection), every name and email carrying its marker. */
export async function aSeededOrganisation(label: string): Promise<SeededOrganisation> {
  const marker = `${label}${randomUUID().slice(0, 8)}`;
  const org = await anOrganisation(`${marker} Org`);
  const { orgId, admin } = org;
  const asAdmin = { token: admin.token, params: { orgId } };
  const people: Record<Role, Person> = {
    admin,
    manager: await org.member("manager"),
    member: await org.member("member"),
    viewer: await org.member("viewer"),
  };
  const company = await aCompany(org, { name: `${marker} Engines`, domain: `${marker.toLowerCase()}.example` });
  const contact = await aContact(org, {
    firstName: `${marker}Ada`,
    lastName: `${marker}Lovelace`,
    emails: [`${marker.toLowerCase()}@example.test`],
    companyId: company.id,
  });
  const pipeline = await aPipeline(org, { name: `${marker} Renewals` });
  const deal = await aDeal(org, { title: `${marker} Engines deal`, companyId: company.id, contactIds: [contact.id] });
  const activity = await anActivity(org, {
    type: "task",
    subject: `${marker} call back`,
    contactIds: [contact.id],
    dealIds: [deal.id],
  });
  // A second contact, so a body that names two contacts (a merge's survivor and merged) can name two different ones.
  const colleague = await aContact(org, { firstName: `${marker}Grace`, companyId: company.id });
  // Likewise a second company, for a company merge.
  const sister = await aCompany(org, { name: `${marker} Engines Ltd` });
  const doomed = await aContact(org, { firstName: `${marker}Doomed` });
  ok(await invoke("contacts.delete", { ...asAdmin, params: { orgId, contactId: doomed.id } }), "trash a contact");
  const rule = ok(
    await invoke("automationRules.create", {
      ...asAdmin,
      body: {
        name: `${marker} tag big deals`,
        trigger: { eventType: "deal.created" },
        actions: [{ type: "addTag", tag: marker.toLowerCase() }],
      },
    }),
    "a rule",
  );
  const webhook = ok(
    await invoke("webhooks.create", {
      ...asAdmin,
      body: { url: `https://${marker.toLowerCase()}.example.test/crm`, events: ["*"], description: marker },
    }),
    "a webhook",
  );
  await dispatch(aDomainEvent({ orgId }));
  const deliveries = ok(
    await invoke("webhooks.listDeliveries", { ...asAdmin, params: { orgId, webhookId: webhook.body.id } }),
    "its deliveries",
  );
  const connection = await aStoredConnection(org, admin);
  const fileId = await anAvailableFile(org, deal.id, `${marker}.pdf`, "application/pdf", "%PDF-1.7\n%%EOF\n");
  const csvFileId = await anAvailableFile(
    org,
    deal.id,
    `${marker}.csv`,
    "text/csv",
    `Name,Email\n${marker} Import,${marker.toLowerCase()}-import@example.test\n`,
  );
  const started = ok(
    await invoke("imports.create", { ...asAdmin, body: { fileId: csvFileId, recordType: "contact", dryRun: true } }),
    "an import",
  );
  const exported = ok(await invoke("exports.create", { ...asAdmin, body: { recordType: "contact" } }), "an export");
  const apiKey = ok(
    await invoke("apiKeys.create", { ...asAdmin, body: { name: `${marker} sync`, scopes: ["contacts:write"] } }),
    "an API key",
  );

  const savedView = ok(
    await invoke("views.create", {
      ...asAdmin,
      body: { name: `${marker} view`, recordType: "contact", visibility: "organisation" },
    }),
    "a shared saved view",
  );

  const customField = ok(
    await invoke("customFields.create", {
      ...asAdmin,
      body: {
        recordType: "contact",
        key: "tier",
        label: `${marker} tier`,
        type: "singleSelect",
        options: [{ label: "Gold" }],
      },
    }),
    "a custom field",
  );

  const byParameter: Record<string, string> = {
    orgId,
    memberId: people.member.memberId,
    contactId: contact.id,
    companyId: company.id,
    pipelineId: pipeline.id,
    dealId: deal.id,
    activityId: activity.id,
    recordId: doomed.id,
    ruleId: rule.body.id,
    webhookId: webhook.body.id,
    deliveryId: deliveries.body.data[0].id,
    connectionId: connection.connectionId,
    provider: "google-gmail",
    fileId,
    importId: started.body.id,
    exportId: exported.body.id,
    keyId: apiKey.body.id,
    fieldId: customField.body.id,
    viewId: savedView.body.id,
  };
  const byPrefix: Record<string, string[]> = {};
  const ids = [
    ...Object.values(byParameter).filter((value) => /^[a-z]{3}_/.test(value)),
    ...Object.values(people).map((person) => person.memberId),
    csvFileId,
    colleague.id,
    sister.id,
    deal.stageId,
    ...customField.body.options.map((option: { id: string }) => option.id),
    ...pipeline.stages.map((stage: { id: string }) => stage.id),
  ];
  for (const id of new Set(ids)) {
    const prefix = id.slice(0, 3);
    byPrefix[prefix] = [...(byPrefix[prefix] ?? []), id];
  }
  return {
    org,
    people,
    byParameter,
    byPrefix,
    marker,
    // Lower-cased too: search terms and emails are folded.
    secrets: [
      marker,
      marker.toLowerCase(),
      apiKey.body.secret,
      ...Object.values(people).map((person) => person.email),
      ...new Set(ids),
    ],
  };
}

/** The secrets of `foreign` found in `responseText` that the request itself did not carry: a leak. */
export function leakedSecrets(foreign: SeededOrganisation, requestText: string, responseText: string): string[] {
  return foreign.secrets.filter((secret) => responseText.includes(secret) && !requestText.includes(secret));
}
