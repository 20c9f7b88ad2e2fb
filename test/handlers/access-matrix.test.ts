import { type Role, type RouteDeclaration, type RouteId, roles, routes } from "@crm/core/declarations";
import { checkUploadedFile } from "@crm/core/file";
import { useHostResolver } from "@crm/core/webhook";
import { type LocalBus, startLocalBus } from "@crm/local/events";
import { type FakeIntuit, startFakeIntuit } from "@crm/local/intuit";
import { type FakeXero, startFakeXero } from "@crm/local/xero";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiResponse, invoke } from "../support/api-events";
import { aCompany, aContact, aDeal, anActivity, aPipeline } from "../support/builders";
import { aDomainEvent } from "../support/events";
import { anUploadedFile, linkLocalS3 } from "../support/files";
import {
  aStoredConnection,
  intuitSettingsFor,
  linkProviderSettings,
  testIntuitClient,
  testXeroClient,
  xeroSettingsFor,
} from "../support/integrations";
import { anEmail, anOrganisation, type Person, type TestOrganisation } from "../support/organisations";
import { dispatch } from "../webhooks/support/webhooks";

/**
 * Generated from the route table: every route is checked for authentication, tenant isolation, roles and input
 * validation, so a new route cannot ship without these four behaviours.
 */
type World = {
  org: TestOrganisation;
  contactId: string;
  /** A second Ada Lovelace: a duplicate of the contact, to merge into it. */
  twinContactId: string;
  companyId: string;
  /** A second Analytical Engines: a duplicate of the company, to merge into it. */
  twinCompanyId: string;
  memberId: string;
  pipelineId: string;
  stageId: string;
  dealId: string;
  activityId: string;
  trashedId: string;
  webhookId: string;
  deliveryId: string;
  ruleId: string;
  connectionId: string;
  xeroConnectionId: string;
  xeroTenantId: string;
  wonDealId: string;
  fileId: string;
  csvFileId: string;
  importId: string;
  exportId: string;
  apiKeyId: string;
  customFieldId: string;
  savedViewId: string;
};
type Request = { params?: Record<string, string>; query?: Record<string, string>; body?: unknown };

/** Each valid custom field definition takes a key of its own: the same world serves several roles' requests. */
let customFieldsDefined = 0;

const validRequests: Record<RouteId, (world: World) => Request> = {
  "health.get": () => ({}),
  "openapi.get": () => ({}),
  "eventSchema.get": () => ({}),
  "docs.page": () => ({}),
  "docs.script": () => ({}),
  "orgs.create": () => ({ body: { name: "Another" } }),
  "orgs.list": () => ({}),
  "orgs.get": ({ org }) => ({ params: { orgId: org.orgId } }),
  "members.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "members.add": ({ org }) => ({ params: { orgId: org.orgId }, body: { email: anEmail(), role: "member" } }),
  "members.update": ({ org, memberId }) => ({ params: { orgId: org.orgId, memberId }, body: { role: "manager" } }),
  "members.remove": ({ org, memberId }) => ({ params: { orgId: org.orgId, memberId } }),
  "contacts.create": ({ org }) => ({ params: { orgId: org.orgId }, body: { firstName: "Grace" } }),
  "contacts.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "contacts.get": ({ org, contactId }) => ({ params: { orgId: org.orgId, contactId } }),
  "contacts.update": ({ org, contactId }) => ({ params: { orgId: org.orgId, contactId }, body: { title: "CTO" } }),
  "contacts.delete": ({ org, contactId }) => ({ params: { orgId: org.orgId, contactId } }),
  "companies.create": ({ org }) => ({ params: { orgId: org.orgId }, body: { name: "Initech" } }),
  "companies.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "companies.get": ({ org, companyId }) => ({ params: { orgId: org.orgId, companyId } }),
  "companies.update": ({ org, companyId }) => ({ params: { orgId: org.orgId, companyId }, body: { industry: "IT" } }),
  "companies.delete": ({ org, companyId }) => ({ params: { orgId: org.orgId, companyId } }),
  "pipelines.create": ({ org }) => ({ params: { orgId: org.orgId }, body: aPipelineBody() }),
  "pipelines.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "pipelines.get": ({ org, pipelineId }) => ({ params: { orgId: org.orgId, pipelineId } }),
  "pipelines.update": ({ org, pipelineId }) => ({
    params: { orgId: org.orgId, pipelineId },
    body: { name: "Renamed" },
  }),
  "pipelines.delete": ({ org, pipelineId }) => ({ params: { orgId: org.orgId, pipelineId } }),
  "pipelines.board": ({ org, pipelineId }) => ({ params: { orgId: org.orgId, pipelineId } }),
  "pipelines.rottingDeals": ({ org, pipelineId }) => ({ params: { orgId: org.orgId, pipelineId } }),
  "deals.create": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { title: "Licences", value: { amount: 100_00, currency: "EUR" } },
  }),
  "deals.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "deals.get": ({ org, dealId }) => ({ params: { orgId: org.orgId, dealId } }),
  "deals.update": ({ org, dealId }) => ({ params: { orgId: org.orgId, dealId }, body: { title: "More licences" } }),
  "deals.delete": ({ org, dealId }) => ({ params: { orgId: org.orgId, dealId } }),
  "deals.moveStage": ({ org, dealId, stageId }) => ({ params: { orgId: org.orgId, dealId }, body: { stageId } }),
  "deals.stageHistory": ({ org, dealId }) => ({ params: { orgId: org.orgId, dealId } }),
  "activities.create": ({ org, contactId }) => ({
    params: { orgId: org.orgId },
    body: { type: "note", subject: "Met at the fair", contactIds: [contactId] },
  }),
  "activities.get": ({ org, activityId }) => ({ params: { orgId: org.orgId, activityId } }),
  "activities.update": ({ org, activityId }) => ({ params: { orgId: org.orgId, activityId }, body: { done: true } }),
  "activities.delete": ({ org, activityId }) => ({ params: { orgId: org.orgId, activityId } }),
  "activities.list": ({ org }) => ({
    params: { orgId: org.orgId },
    query: { filter: '{"and":[{"field":"type","op":"eq","value":"note"}]}' },
  }),
  "tasks.listOpen": ({ org }) => ({ params: { orgId: org.orgId } }),
  "tasks.listOverdue": ({ org }) => ({
    params: { orgId: org.orgId },
    query: { filter: '{"and":[{"field":"priority","op":"eq","value":"high"}]}' },
  }),
  "contacts.timeline": ({ org, contactId }) => ({ params: { orgId: org.orgId, contactId } }),
  "companies.timeline": ({ org, companyId }) => ({ params: { orgId: org.orgId, companyId } }),
  "deals.timeline": ({ org, dealId }) => ({ params: { orgId: org.orgId, dealId } }),
  "contacts.batchCreate": ({ org }) => ({ params: { orgId: org.orgId }, body: { items: [{ firstName: "Grace" }] } }),
  "contacts.batchUpdate": ({ org, contactId }) => ({
    params: { orgId: org.orgId },
    body: { items: [{ id: contactId, changes: { title: "CTO" } }] },
  }),
  "companies.batchCreate": ({ org }) => ({ params: { orgId: org.orgId }, body: { items: [{ name: "Initech" }] } }),
  "companies.batchUpdate": ({ org, companyId }) => ({
    params: { orgId: org.orgId },
    body: { items: [{ id: companyId, changes: { industry: "IT" } }] },
  }),
  "deals.batchCreate": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { items: [{ title: "Licences", value: { amount: 100_00, currency: "EUR" } }] },
  }),
  "deals.batchUpdate": ({ org, dealId }) => ({
    params: { orgId: org.orgId },
    body: { items: [{ id: dealId, changes: { title: "More licences" } }] },
  }),
  "contacts.associations": ({ org, contactId }) => ({ params: { orgId: org.orgId, contactId } }),
  "companies.associations": ({ org, companyId }) => ({ params: { orgId: org.orgId, companyId } }),
  "deals.associations": ({ org, dealId }) => ({ params: { orgId: org.orgId, dealId } }),
  "trash.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "trash.restore": ({ org, trashedId }) => ({ params: { orgId: org.orgId, recordId: trashedId } }),
  "duplicates.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { type: "company" } }),
  "contacts.duplicates": ({ org, contactId }) => ({ params: { orgId: org.orgId, contactId } }),
  "companies.duplicates": ({ org, companyId }) => ({ params: { orgId: org.orgId, companyId } }),
  "contacts.merge": ({ org, contactId, twinContactId }) => ({
    params: { orgId: org.orgId },
    body: { survivorId: contactId, mergedIds: [twinContactId] },
  }),
  "companies.merge": ({ org, companyId, twinCompanyId }) => ({
    params: { orgId: org.orgId },
    body: { survivorId: companyId, mergedIds: [twinCompanyId] },
  }),
  "automationRules.create": ({ org }) => ({ params: { orgId: org.orgId }, body: aRuleBody() }),
  "automationRules.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "automationRules.get": ({ org, ruleId }) => ({ params: { orgId: org.orgId, ruleId } }),
  "automationRules.update": ({ org, ruleId }) => ({ params: { orgId: org.orgId, ruleId }, body: { enabled: false } }),
  "automationRules.delete": ({ org, ruleId }) => ({ params: { orgId: org.orgId, ruleId } }),
  "automationRules.dryRun": ({ org, ruleId, dealId }) => ({
    params: { orgId: org.orgId, ruleId },
    body: { event: { type: "deal.created", record: { type: "deal", id: dealId } } },
  }),
  "automationRules.runs": ({ org, ruleId }) => ({ params: { orgId: org.orgId, ruleId } }),
  "audit.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "events.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "search.query": ({ org }) => ({ params: { orgId: org.orgId }, query: { q: "ada" } }),
  "webhooks.create": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { url: "https://hooks.example.test/crm", events: ["deal.created"] },
  }),
  "webhooks.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "webhooks.get": ({ org, webhookId }) => ({ params: { orgId: org.orgId, webhookId } }),
  "webhooks.update": ({ org, webhookId }) => ({
    params: { orgId: org.orgId, webhookId },
    body: { description: "ERP" },
  }),
  "webhooks.delete": ({ org, webhookId }) => ({ params: { orgId: org.orgId, webhookId } }),
  "webhooks.rotateSecret": ({ org, webhookId }) => ({ params: { orgId: org.orgId, webhookId } }),
  "webhooks.listDeliveries": ({ org, webhookId }) => ({ params: { orgId: org.orgId, webhookId } }),
  "webhooks.replayDelivery": ({ org, webhookId, deliveryId }) => ({
    params: { orgId: org.orgId, webhookId, deliveryId },
  }),
  "notifications.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "integrations.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "integrations.connect": ({ org }) => ({ params: { orgId: org.orgId, provider: "google-gmail" } }),
  "integrations.callback": () => ({ params: { provider: "google-gmail" }, query: { state: "x.y", code: "c" } }),
  "integrations.get": ({ org, connectionId }) => ({ params: { orgId: org.orgId, connectionId } }),
  "integrations.delete": ({ org, connectionId }) => ({ params: { orgId: org.orgId, connectionId } }),
  "integrations.logs": ({ org, connectionId }) => ({ params: { orgId: org.orgId, connectionId } }),
  "integrations.gmailPush": () => ({ body: { message: { data: "e30=" } } }),
  "integrations.calendarNotification": () => ({}),
  "integrations.quickbooksWebhook": () => ({ body: [] }),
  "integrations.xeroWebhook": () => ({ body: { events: [] } }),
  "companies.invoices": ({ org, companyId }) => ({ params: { orgId: org.orgId, companyId } }),
  "deals.invoice": ({ org, wonDealId }) => ({
    params: { orgId: org.orgId, dealId: wonDealId },
    query: { provider: "quickbooks" },
  }),
  "companies.pushToBooks": ({ org, companyId }) => ({
    params: { orgId: org.orgId, companyId },
    query: { provider: "quickbooks" },
  }),
  "files.create": ({ org, dealId }) => ({
    params: { orgId: org.orgId },
    body: { name: "Quote.pdf", contentType: "application/pdf", size: 100, records: [{ type: "deal", id: dealId }] },
  }),
  "files.get": ({ org, fileId }) => ({ params: { orgId: org.orgId, fileId } }),
  "files.update": ({ org, fileId }) => ({ params: { orgId: org.orgId, fileId }, body: { name: "Renamed.pdf" } }),
  "files.delete": ({ org, fileId }) => ({ params: { orgId: org.orgId, fileId } }),
  "files.download": ({ org, fileId }) => ({ params: { orgId: org.orgId, fileId } }),
  "files.storage": ({ org }) => ({ params: { orgId: org.orgId } }),
  "files.settings": ({ org }) => ({ params: { orgId: org.orgId } }),
  "files.updateSettings": ({ org }) => ({ params: { orgId: org.orgId }, body: { maxFileBytes: 10_000_000 } }),
  "contacts.files": ({ org, contactId }) => ({ params: { orgId: org.orgId, contactId } }),
  "companies.files": ({ org, companyId }) => ({ params: { orgId: org.orgId, companyId } }),
  "deals.files": ({ org, dealId }) => ({ params: { orgId: org.orgId, dealId } }),
  "activities.files": ({ org, activityId }) => ({ params: { orgId: org.orgId, activityId } }),
  "imports.create": ({ org, csvFileId }) => ({
    params: { orgId: org.orgId },
    body: { fileId: csvFileId, recordType: "contact", dryRun: true },
  }),
  "imports.get": ({ org, importId }) => ({ params: { orgId: org.orgId, importId } }),
  "exports.create": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { recordType: "contact", filters: { tag: "vip" } },
  }),
  "exports.get": ({ org, exportId }) => ({ params: { orgId: org.orgId, exportId } }),
  "imports.errors": ({ org, importId }) => ({ params: { orgId: org.orgId, importId } }),
  "apiKeys.create": ({ org }) => ({ params: { orgId: org.orgId }, body: { name: "Sync", scopes: ["contacts:read"] } }),
  "apiKeys.list": ({ org }) => ({ params: { orgId: org.orgId } }),
  "apiKeys.get": ({ org, apiKeyId }) => ({ params: { orgId: org.orgId, keyId: apiKeyId } }),
  "apiKeys.revoke": ({ org, apiKeyId }) => ({ params: { orgId: org.orgId, keyId: apiKeyId } }),
  "customFields.create": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { recordType: "deal", key: `tier${++customFieldsDefined}`, label: "Tier", type: "text" },
  }),
  "customFields.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { recordType: "contact" } }),
  "customFields.get": ({ org, customFieldId }) => ({ params: { orgId: org.orgId, fieldId: customFieldId } }),
  "customFields.update": ({ org, customFieldId }) => ({
    params: { orgId: org.orgId, fieldId: customFieldId },
    body: { label: "Renewal" },
  }),
  "customFields.delete": ({ org, customFieldId }) => ({ params: { orgId: org.orgId, fieldId: customFieldId } }),
  "schema.get": ({ org }) => ({ params: { orgId: org.orgId } }),
  "views.create": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { name: "VIPs", recordType: "contact", filter: { and: [{ field: "tags", op: "contains", value: "vip" }] } },
  }),
  "views.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { recordType: "contact" } }),
  "views.get": ({ org, savedViewId }) => ({ params: { orgId: org.orgId, viewId: savedViewId } }),
  "views.update": ({ org, savedViewId }) => ({
    params: { orgId: org.orgId, viewId: savedViewId },
    body: { name: "Key people" },
  }),
  "views.delete": ({ org, savedViewId }) => ({ params: { orgId: org.orgId, viewId: savedViewId } }),
  "deals.invoices": ({ org, wonDealId }) => ({ params: { orgId: org.orgId, dealId: wonDealId } }),
  "integrations.tenants": ({ org, xeroConnectionId }) => ({
    params: { orgId: org.orgId, connectionId: xeroConnectionId },
  }),
  "integrations.update": ({ org, xeroConnectionId }) => ({
    params: { orgId: org.orgId, connectionId: xeroConnectionId },
    body: { importUnmatchedCustomers: false },
  }),
  "integrations.chooseTenant": ({ org, xeroConnectionId, xeroTenantId }) => ({
    params: { orgId: org.orgId, connectionId: xeroConnectionId },
    body: { tenantId: xeroTenantId },
  }),
};

/** One invalid variant per route that takes input: a wrong field type in the body, or a bad query value. */
const invalidRequests: Partial<Record<RouteId, (world: World) => Request>> = {
  "orgs.create": () => ({ body: { name: 42 } }),
  "orgs.list": () => ({ query: { limit: "0" } }),
  "members.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { limit: "abc" } }),
  "members.add": ({ org }) => ({ params: { orgId: org.orgId }, body: { email: "not-an-email", role: "member" } }),
  "members.update": ({ org, memberId }) => ({ params: { orgId: org.orgId, memberId }, body: { role: "owner" } }),
  "contacts.create": ({ org }) => ({ params: { orgId: org.orgId }, body: { firstName: "A", emails: ["nope"] } }),
  "contacts.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { sort: "shoeSize" } }),
  "contacts.update": ({ org, contactId }) => ({ params: { orgId: org.orgId, contactId }, body: { phones: "123" } }),
  "companies.create": ({ org }) => ({ params: { orgId: org.orgId }, body: { name: "X", size: "huge" } }),
  "companies.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { limit: "1000" } }),
  "companies.update": ({ org, companyId }) => ({ params: { orgId: org.orgId, companyId }, body: { domain: "nope" } }),
  "pipelines.create": ({ org }) => ({ params: { orgId: org.orgId }, body: { name: "Only open", stages: [] } }),
  "pipelines.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { limit: "10" } }),
  "pipelines.update": ({ org, pipelineId }) => ({
    params: { orgId: org.orgId, pipelineId },
    body: { stages: [{ name: "A", probability: 120 }] },
  }),
  "pipelines.rottingDeals": ({ org, pipelineId }) => ({
    params: { orgId: org.orgId, pipelineId },
    query: { limit: "0" },
  }),
  "deals.create": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { title: "X", value: { amount: 1.5, currency: "EUR" } },
  }),
  "deals.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { status: "pending" } }),
  "deals.update": ({ org, dealId }) => ({
    params: { orgId: org.orgId, dealId },
    body: { value: { amount: 5, currency: "eur" } },
  }),
  "deals.moveStage": ({ org, dealId }) => ({ params: { orgId: org.orgId, dealId }, body: { stageId: "not-a-stage" } }),
  "activities.create": ({ org }) => ({ params: { orgId: org.orgId }, body: { type: "note", subject: "No links" } }),
  "activities.update": ({ org, activityId }) => ({
    params: { orgId: org.orgId, activityId },
    body: { priority: "urgent" },
  }),
  "activities.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { sort: "subject" } }),
  "tasks.listOpen": ({ org }) => ({ params: { orgId: org.orgId }, query: { assigneeId: "nobody" } }),
  "tasks.listOverdue": ({ org }) => ({
    params: { orgId: org.orgId },
    query: { filter: '{"and":[{"field":"amount","op":"gt","value":1}]}' },
  }),
  "contacts.timeline": ({ org, contactId }) => ({ params: { orgId: org.orgId, contactId }, query: { kind: "x" } }),
  "companies.timeline": ({ org, companyId }) => ({ params: { orgId: org.orgId, companyId }, query: { limit: "x" } }),
  "deals.timeline": ({ org, dealId }) => ({ params: { orgId: org.orgId, dealId }, query: { cursor: "" } }),
  "contacts.batchCreate": ({ org }) => ({ params: { orgId: org.orgId }, body: { items: [] } }),
  "contacts.batchUpdate": ({ org, contactId }) => ({
    params: { orgId: org.orgId },
    body: { items: [{ id: contactId, changes: { title: "CTO" } }], atomic: true },
  }),
  "companies.batchCreate": ({ org }) => ({ params: { orgId: org.orgId }, body: { items: { name: "Initech" } } }),
  "companies.batchUpdate": ({ org }) => ({ params: { orgId: org.orgId }, body: {} }),
  "deals.batchCreate": ({ org }) => ({ params: { orgId: org.orgId }, body: [{ title: "X" }] }),
  "deals.batchUpdate": ({ org, dealId }) => ({
    params: { orgId: org.orgId },
    body: { items: Array.from({ length: 101 }, () => ({ id: dealId, changes: { title: "X" } })) },
  }),
  "contacts.associations": ({ org, contactId }) => ({ params: { orgId: org.orgId, contactId }, query: { type: "x" } }),
  "companies.associations": ({ org, companyId }) => ({
    params: { orgId: org.orgId, companyId },
    query: { type: "member" },
  }),
  "deals.associations": ({ org, dealId }) => ({ params: { orgId: org.orgId, dealId }, query: { limit: "101" } }),
  "trash.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { type: "member" } }),
  "trash.restore": ({ org }) => ({ params: { orgId: org.orgId, recordId: "mem_x" } }),
  "duplicates.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { type: "deal" } }),
  "contacts.merge": ({ org, contactId }) => ({
    params: { orgId: org.orgId },
    body: { survivorId: contactId, mergedIds: [contactId] },
  }),
  "companies.merge": ({ org, companyId }) => ({
    params: { orgId: org.orgId },
    body: { survivorId: companyId, mergedIds: [companyId] },
  }),
  "automationRules.create": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { ...aRuleBody(), trigger: { eventType: "deal.exploded" } },
  }),
  "automationRules.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { limit: "5" } }),
  "automationRules.update": ({ org, ruleId }) => ({ params: { orgId: org.orgId, ruleId }, body: { actions: [] } }),
  "automationRules.dryRun": ({ org, ruleId }) => ({ params: { orgId: org.orgId, ruleId }, body: { event: {} } }),
  "automationRules.runs": ({ org, ruleId }) => ({ params: { orgId: org.orgId, ruleId }, query: { limit: "0" } }),
  "audit.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { recordId: "org_not_a_record" } }),
  "events.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { types: "contact.exploded" } }),
  "search.query": ({ org }) => ({ params: { orgId: org.orgId }, query: {} }),
  "webhooks.create": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { url: "https://169.254.169.254/latest/meta-data/", events: ["*"] },
  }),
  "webhooks.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { limit: "10" } }),
  "webhooks.update": ({ org, webhookId }) => ({
    params: { orgId: org.orgId, webhookId },
    body: { events: ["*", "deal.created"] },
  }),
  "webhooks.rotateSecret": ({ org }) => ({ params: { orgId: org.orgId, webhookId: "whk_x" } }),
  "webhooks.listDeliveries": ({ org, webhookId }) => ({
    params: { orgId: org.orgId, webhookId },
    query: { limit: "abc" },
  }),
  "webhooks.replayDelivery": ({ org, webhookId }) => ({
    params: { orgId: org.orgId, webhookId, deliveryId: "aud_not_a_delivery" },
  }),
  "notifications.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { limit: "0" } }),
  "integrations.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { limit: "10" } }),
  "integrations.connect": ({ org }) => ({ params: { orgId: org.orgId, provider: "hotmail" } }),
  "integrations.logs": ({ org, connectionId }) => ({
    params: { orgId: org.orgId, connectionId },
    query: { limit: "0" },
  }),
  "integrations.update": ({ org, xeroConnectionId }) => ({
    params: { orgId: org.orgId, connectionId: xeroConnectionId },
    body: { importUnmatchedCustomers: "yes" },
  }),
  "integrations.chooseTenant": ({ org, xeroConnectionId }) => ({
    params: { orgId: org.orgId, connectionId: xeroConnectionId },
    body: { tenantId: "not-a-tenant" },
  }),
  "deals.invoice": ({ org }) => ({ params: { orgId: org.orgId, dealId: "not-a-deal" } }),
  "apiKeys.create": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { name: "Sync", scopes: ["contacts:delete"] },
  }),
  "apiKeys.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { limit: "0" } }),
  "apiKeys.get": ({ org }) => ({ params: { orgId: org.orgId, keyId: "key_NOT-AN-ID" } }),
  "apiKeys.revoke": ({ org }) => ({ params: { orgId: org.orgId, keyId: "not-a-key" } }),
  "customFields.create": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { recordType: "contact", key: "Not A Key", label: "Bad", type: "text" },
  }),
  "customFields.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { recordType: "lead" } }),
  "customFields.get": ({ org }) => ({ params: { orgId: org.orgId, fieldId: "not-a-field" } }),
  "customFields.update": ({ org, customFieldId }) => ({
    params: { orgId: org.orgId, fieldId: customFieldId },
    body: { type: "number" },
  }),
  "customFields.delete": ({ org }) => ({ params: { orgId: org.orgId, fieldId: "fld_NOT-AN-ID" } }),
  "views.create": ({ org }) => ({ params: { orgId: org.orgId }, body: { name: "Bad", recordType: "lead" } }),
  "views.list": ({ org }) => ({ params: { orgId: org.orgId }, query: { recordType: "lead" } }),
  "views.update": ({ org, savedViewId }) => ({
    params: { orgId: org.orgId, viewId: savedViewId },
    body: { columns: "all" },
  }),
  "deals.invoices": ({ org, dealId }) => ({ params: { orgId: org.orgId, dealId }, query: { status: "paid" } }),
  "companies.pushToBooks": ({ org, companyId }) => ({
    params: { orgId: org.orgId, companyId },
    query: { provider: "sage" },
  }),
  "files.create": ({ org, dealId }) => ({
    params: { orgId: org.orgId },
    body: {
      name: "../../etc/passwd",
      contentType: "application/pdf",
      size: 10,
      records: [{ type: "deal", id: dealId }],
    },
  }),
  "files.update": ({ org, fileId }) => ({ params: { orgId: org.orgId, fileId }, body: { name: "" } }),
  "files.updateSettings": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { allowedTypes: ["application/x-msdownload"] },
  }),
  "imports.create": ({ org, csvFileId }) => ({
    params: { orgId: org.orgId },
    body: { fileId: csvFileId, recordType: "contact", mapping: { Email: "favouriteColour" } },
  }),
  "deals.files": ({ org, dealId }) => ({ params: { orgId: org.orgId, dealId }, query: { status: "available" } }),
  "exports.create": ({ org }) => ({
    params: { orgId: org.orgId },
    body: { recordType: "deal", filters: { status: "maybe" } },
  }),
};

function aRuleBody() {
  return {
    name: "Tag big deals",
    trigger: { eventType: "deal.created", conditions: [{ kind: "greaterThan", field: "amount", value: 1_000_00 }] },
    actions: [{ type: "addTag", tag: "big" }],
  };
}

function aPipelineBody() {
  return {
    name: "Renewals",
    stages: [
      { name: "Due", probability: 50 },
      { name: "Renewed", probability: 100, kind: "won" },
      { name: "Churned", probability: 0, kind: "lost" },
    ],
  };
}

// The worlds' webhook points at a host that does not exist: its deliveries fail at once, without the network.
// A fake Xero for the routes that list and choose a Xero connection's organisations.
let xero: FakeXero;
// And a fake QuickBooks, where the drafted invoice of the world's won deal is created.
let intuit: FakeIntuit;
let s3: Awaited<ReturnType<typeof linkLocalS3>>;
// Starting an import puts its run's request on the bus; here nothing subscribes to it.
let bus: LocalBus;
beforeAll(async () => {
  s3 = await linkLocalS3();
  bus = await startLocalBus({ busName: "crm-test-bus", subscriptions: {} });
  process.env.SST_RESOURCE_CrmBus = JSON.stringify({ name: "crm-test-bus" });
  process.env.EVENTBRIDGE_ENDPOINT = bus.endpoint;
  xero = await startFakeXero({ clients: [{ ...testXeroClient, redirectUris: ["http://127.0.0.1:9/cb"] }] });
  linkProviderSettings("Xero", xeroSettingsFor(xero.url));
  intuit = await startFakeIntuit({ clients: [{ ...testIntuitClient, redirectUris: ["http://127.0.0.1:9/cb"] }] });
  linkProviderSettings("Intuit", intuitSettingsFor(intuit.url));
});
afterAll(async () => {
  await xero?.close();
  await intuit?.close();
  await s3?.close();
  await bus?.close();
});

beforeAll(() =>
  useHostResolver(async (host) => {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  }),
);
afterAll(() => useHostResolver());

/** A file on the deal, uploaded and checked. */
async function anAvailableFile(
  org: TestOrganisation,
  dealId: string,
  file: { name: string; contentType: string; text: string },
): Promise<string> {
  const bytes = new TextEncoder().encode(file.text);
  const { fileId, key } = await anUploadedFile(org, [{ type: "deal", id: dealId }], { ...file, bytes });
  expect(await checkUploadedFile(key)).toBe("available");
  return fileId;
}

/** A fresh world per check, because some requests (deletes, removals) consume their records. */
async function aWorld(): Promise<World> {
  const org = await anOrganisation();
  const contact = await aContact(org, { firstName: "Ada", lastName: "Lovelace" });
  const twin = await aContact(org, { firstName: "Ada", lastName: "Lovelace" });
  const company = await aCompany(org, { name: "Analytical Engines" });
  const twinCompany = await aCompany(org, { name: "Analytical Engines Ltd" });
  const member = await org.member("member");
  const pipeline = await aPipeline(org, aPipelineBody());
  const deal = await aDeal(org, { title: "Engines", value: { amount: 5000_00, currency: "GBP" } });
  const task = await anActivity(org, {
    type: "task",
    subject: "Call back",
    contactIds: [contact.id],
    dealIds: [deal.id],
  });
  const doomed = await aContact(org, { firstName: "Doomed" });
  await invoke("contacts.delete", { token: org.admin.token, params: { orgId: org.orgId, contactId: doomed.id } });
  const rule = await invoke("automationRules.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: aRuleBody(),
  });
  const webhook = await invoke("webhooks.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { url: "https://hooks.example.test/crm", events: ["*"] },
  });
  await dispatch(aDomainEvent({ orgId: org.orgId }));
  const deliveries = await invoke("webhooks.listDeliveries", {
    token: org.admin.token,
    params: { orgId: org.orgId, webhookId: webhook.body.id },
  });
  const connection = await aStoredConnection(org, org.admin);
  const [tenant] = xero.tenants();
  if (!tenant) throw new Error("the fake Xero has no organisation");
  const tokens = xero.identity.issueTokens({ tenantIds: [tenant.tenantId] });
  const xeroConnection = await aStoredConnection(org, org.admin, "xero", {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    accountKey: tenant.tenantId,
    accountName: tenant.tenantName,
  });
  const realm = intuit.books.realms()[0];
  if (!realm) throw new Error("the fake Intuit has no company");
  const books = intuit.oauth.issueTokens({ realmId: realm.realmId });
  await aStoredConnection(org, org.admin, "quickbooks", {
    accessToken: books.access_token,
    refreshToken: books.refresh_token,
    accountKey: realm.realmId,
    accountName: realm.companyName,
  });
  // In the default pipeline: the world's own pipeline must stay empty, as deleting it is one of the checks.
  const pipelines = await invoke("pipelines.list", { token: org.admin.token, params: { orgId: org.orgId } });
  const defaultPipeline = pipelines.body.data.find((each: { isDefault: boolean }) => each.isDefault);
  const wonStage = defaultPipeline.stages.find((stage: { kind: string }) => stage.kind === "won");
  const wonDeal = await aDeal(org, {
    title: "Renewal",
    value: { amount: 1200_00, currency: "USD" },
    pipelineId: defaultPipeline.id,
    stageId: wonStage.id,
    companyId: company.id,
  });
  const csvFileId = await anAvailableFile(org, deal.id, {
    name: "contacts.csv",
    contentType: "text/csv",
    text: "Name,Email\nAda Lovelace,ada@example.com\n",
  });
  const started = await invoke("imports.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { fileId: csvFileId, recordType: "contact", dryRun: true },
  });
  const exported = await invoke("exports.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { recordType: "contact" },
  });
  const apiKey = await invoke("apiKeys.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { name: "Nightly sync", scopes: ["contacts:write"] },
  });
  const customField = await invoke("customFields.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { recordType: "contact", key: "renewalDate", label: "Renewal date", type: "date" },
  });
  const savedView = await invoke("views.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { name: "Everyone", recordType: "contact", visibility: "organisation" },
  });
  return {
    org,
    customFieldId: customField.body.id,
    savedViewId: savedView.body.id,
    apiKeyId: apiKey.body.id,
    exportId: exported.body.id,
    wonDealId: wonDeal.id,
    fileId: await anAvailableFile(org, deal.id, {
      name: "Proposal.pdf",
      contentType: "application/pdf",
      text: "%PDF-1.7\n%%EOF\n",
    }),
    csvFileId,
    importId: started.body.id,
    connectionId: connection.connectionId,
    xeroConnectionId: xeroConnection.connectionId,
    xeroTenantId: tenant.tenantId,
    webhookId: webhook.body.id,
    deliveryId: deliveries.body.data[0].id,
    ruleId: rule.body.id,
    trashedId: doomed.id,
    activityId: task.id,
    contactId: contact.id,
    twinContactId: twin.id,
    companyId: company.id,
    twinCompanyId: twinCompany.id,
    memberId: member.memberId,
    pipelineId: pipeline.id,
    stageId: deal.stageId,
    dealId: deal.id,
  };
}

const authenticatedRoutes = (Object.keys(routes) as RouteId[]).filter((id) => routes[id].access !== "public");
const tenantRoutes = (Object.keys(routes) as RouteId[]).filter((id) => Array.isArray(routes[id].access));

function expectProblem(response: ApiResponse, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers["content-type"]).toBe("application/problem+json");
  expect(response.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(response.body.requestId).toEqual(expect.any(String));
}

describe("every authenticated route", () => {
  let world: World;
  beforeAll(async () => {
    world = await aWorld();
  });

  it.each(authenticatedRoutes)("%s answers 401 with a Bearer challenge when there is no token", async (routeId) => {
    const response = await invoke(routeId, validRequests[routeId](world));
    expectProblem(response, 401);
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer realm="crm"/);
  });
});

describe("every organisation route", () => {
  it.each(tenantRoutes)("%s answers 404 to an admin of another organisation and changes nothing", async (routeId) => {
    const world = await aWorld();
    const other = await anOrganisation("Other");
    const response = await invoke(routeId, { ...validRequests[routeId](world), token: other.admin.token });
    expectProblem(response, 404);
    const stillThere = await invoke("contacts.get", {
      token: world.org.admin.token,
      params: { orgId: world.org.orgId, contactId: world.contactId },
    });
    expect(stillThere.status).toBe(200);
  });

  const denied = tenantRoutes.flatMap((routeId) =>
    roles
      .filter((role) => !(routes[routeId].access as readonly Role[]).includes(role))
      .map((role) => [routeId, role] as const),
  );
  it.each(denied)("%s answers 403 to a %s", async (routeId, role) => {
    const world = await aWorld();
    const person: Person = await world.org.member(role);
    const response = await invoke(routeId, { ...validRequests[routeId](world), token: person.token });
    expectProblem(response, 403);
  });

  it.each(tenantRoutes)("%s serves an admin of the organisation", async (routeId) => {
    const world = await aWorld();
    const response = await invoke(routeId, { ...validRequests[routeId](world), token: world.org.admin.token });
    expect(response.status).toBeLessThan(300);
  });
});

describe("every route that takes input", () => {
  const withInput = Object.keys(invalidRequests) as RouteId[];
  it.each(withInput)("%s answers 400 naming the failing field", async (routeId) => {
    const world = await aWorld();
    const request = invalidRequests[routeId]?.(world) ?? {};
    const response = await invoke(routeId, { ...request, token: world.org.admin.token });
    expectProblem(response, 400);
    expect(response.body.errors?.[0]?.path).toMatch(/^(body|query|path)/);
  });

  it("covers every route with a body, query or path id", () => {
    // A provider's webhook receiver answers 401 to anything unsigned, before reading the body (tested on its own).
    const needingInput = (Object.keys(routes) as RouteId[]).filter(
      (id) =>
        !(routes[id] as RouteDeclaration).signedBy &&
        (routes[id].method === "POST" || routes[id].method === "PATCH" || id.endsWith(".list")),
    );
    expect(needingInput.filter((id) => !invalidRequests[id])).toEqual([]);
  });
});
