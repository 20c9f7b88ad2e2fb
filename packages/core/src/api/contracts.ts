import { z } from "zod";
import {
  auditEntrySchema,
  listAuditQuery,
  timelineItemSchema,
  timelineQuery,
} from "../capabilities/audit/audit.schema";
import { notificationSchema } from "../capabilities/notification/notification.schema";
import { searchQuery, searchResultsSchema } from "../capabilities/search/search.schema";
import type { RouteId } from "../declarations/routes";
import {
  activityIdParam,
  activitySchema,
  createActivityInput,
  listOverdueTasksQuery,
  listTasksQuery,
  updateActivityInput,
} from "../domain/activity/activity.schema";
import { associationSchema, listAssociationsQuery } from "../domain/association/association.schema";
import {
  companyIdParam,
  companySchema,
  createCompanyInput,
  listCompaniesQuery,
  updateCompanyInput,
} from "../domain/company/company.schema";
import {
  contactIdParam,
  contactSchema,
  createContactInput,
  listContactsQuery,
  updateContactInput,
} from "../domain/contact/contact.schema";
import {
  createDealInput,
  dealIdParam,
  dealSchema,
  listDealsQuery,
  listRottingDealsQuery,
  moveDealInput,
  rottingDealSchema,
  stageHistorySchema,
  updateDealInput,
} from "../domain/deal/deal.schema";
import { addMemberInput, memberIdParam, memberSchema, updateMemberInput } from "../domain/member/member.schema";
import {
  createOrganisationInput,
  membershipSchema,
  organisationIdParam,
  organisationSchema,
} from "../domain/organisation/organisation.schema";
import {
  createPipelineInput,
  pipelineBoardSchema,
  pipelineIdParam,
  pipelineSchema,
  updatePipelineInput,
} from "../domain/pipeline/pipeline.schema";
import {
  createRuleInput,
  dryRunInput,
  dryRunResultSchema,
  listRunsQuery,
  ruleIdParam,
  ruleSchema,
  runSchema,
  updateRuleInput,
} from "../features/automation/automation.schema";
import {
  batchCreateCompaniesInput,
  batchCreateContactsInput,
  batchCreateDealsInput,
  batchUpdateCompaniesInput,
  batchUpdateContactsInput,
  batchUpdateDealsInput,
  companyBatchResultsSchema,
  contactBatchResultsSchema,
  dealBatchResultsSchema,
} from "../features/batch/batch.schema";
import {
  listTrashQuery,
  restoredRecordSchema,
  trashedRecordIdParam,
  trashedRecordSchema,
} from "../features/trash/trash.schema";
import {
  createWebhookInput,
  deliveryIdParam,
  deliverySchema,
  updateWebhookInput,
  webhookIdParam,
  webhookSchema,
  webhookWithSecretSchema,
} from "../features/webhook/webhook.schema";
import { page, pageCursor, pageLimit } from "../platform/schema";

/**
 * What each route accepts and returns. The handler factory validates requests with these schemas and the OpenAPI
 * document is generated from them, so documentation and validation cannot disagree. Keyed by route id and checked
 * for completeness against the route table by the compiler.
 */
export type RouteContract = {
  summary: string;
  description?: string;
  tag:
    | "System"
    | "Organisations"
    | "Members"
    | "Contacts"
    | "Companies"
    | "Pipelines"
    | "Deals"
    | "Activities"
    | "Trash"
    | "Automation"
    | "Audit"
    | "Search"
    | "Webhooks"
    | "Notifications";
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: { status: 200 | 201 | 204; description: string; schema?: z.ZodType; etag?: true };
  /** PATCH/DELETE that honour If-Match (412 when the record changed since the caller read it). */
  conditional?: true;
  /** Error statuses besides the ones every route of its kind can return (400, 401, 403, 404 ...). */
  errors?: number[];
};

const inOrganisation = z.strictObject({ orgId: organisationIdParam });
const listQuery = z.strictObject({ limit: pageLimit, cursor: pageCursor.optional() });
const health = z.object({ status: z.literal("ok") }).meta({ id: "Health" });

/** What every batch route does; see packages/core/src/batch. */
const batchRules =
  "Each entry is validated and written on its own, in its own transaction, as the single-record request would do it: a batch is atomic per entry, not as a whole. The answer is 200 whenever the batch ran, with one result per entry in the order given: its status (what its own request would have answered) and the record or a problem. Only a malformed envelope (not `{ items: [...] }` with 1 to 100 entries) fails the whole request, and then nothing is written. Entries run up to 8 at a time; entries naming the same email, domain, owner, company, contact or pipeline run in the order given. With an Idempotency-Key a retry replays the whole result, failed entries included: send those again in a new request.";
const batchUpdateRules =
  "Each entry names a record by `id` (once per batch), its `changes` (as in the single update) and optionally `ifMatch` (as the If-Match header: 412 for that entry when the record has changed).";
const batchResponse = <S extends z.ZodType>(schema: S) =>
  ({ status: 200, description: "One result per entry, in the order of `items`.", schema }) as const;

export const contracts = {
  "health.get": {
    summary: "Check that the API is up",
    tag: "System",
    response: { status: 200, description: "The API is up.", schema: health },
  },
  "openapi.get": {
    summary: "This OpenAPI 3.1 document",
    tag: "System",
    response: { status: 200, description: "The OpenAPI document." },
  },
  "eventSchema.get": {
    summary: "The domain events' JSON Schema",
    description:
      "JSON Schema (2020-12) of the `detail` of every domain event on the bus and of every webhook's `data`, generated from the same zod schema the publisher uses.",
    tag: "System",
    response: { status: 200, description: "The JSON Schema of a domain event." },
  },

  "orgs.create": {
    summary: "Create an organisation",
    description: "Any signed-in person may create an organisation; they become its first admin.",
    tag: "Organisations",
    body: createOrganisationInput,
    response: { status: 201, description: "The new organisation.", schema: organisationSchema },
  },
  "orgs.list": {
    summary: "List my organisations",
    description: "The organisations whose members include the caller's email, with the caller's role in each.",
    tag: "Organisations",
    query: listQuery,
    response: { status: 200, description: "A page of memberships.", schema: page(membershipSchema) },
  },
  "orgs.get": {
    summary: "Get an organisation",
    tag: "Organisations",
    params: inOrganisation,
    response: { status: 200, description: "The organisation.", schema: organisationSchema },
  },

  "members.list": {
    summary: "List members",
    tag: "Members",
    params: inOrganisation,
    query: listQuery,
    response: { status: 200, description: "A page of members.", schema: page(memberSchema) },
  },
  "members.add": {
    summary: "Add a member by email",
    description: "The person signs in with a token carrying this email. Admins only.",
    tag: "Members",
    params: inOrganisation,
    body: addMemberInput,
    response: { status: 201, description: "The new member.", schema: memberSchema },
    errors: [409],
  },
  "members.update": {
    summary: "Change a member's role or name",
    description: "Admins only. Demoting the last admin is refused with 409 `last-admin`.",
    tag: "Members",
    params: inOrganisation.extend({ memberId: memberIdParam }),
    body: updateMemberInput,
    response: { status: 200, description: "The updated member.", schema: memberSchema },
    errors: [409],
  },
  "members.remove": {
    summary: "Remove a member",
    description: "Admins only. Removing the last admin is refused with 409 `last-admin`.",
    tag: "Members",
    params: inOrganisation.extend({ memberId: memberIdParam }),
    response: { status: 204, description: "The member was removed." },
    errors: [409],
  },

  "contacts.create": {
    summary: "Create a contact",
    tag: "Contacts",
    params: inOrganisation,
    body: createContactInput,
    response: { status: 201, description: "The new contact.", schema: contactSchema, etag: true },
    errors: [409],
  },
  "contacts.list": {
    summary: "List contacts",
    description: "Filter by owner, company and tag; sort by creation time or last name. Cursor-paginated.",
    tag: "Contacts",
    params: inOrganisation,
    query: listContactsQuery,
    response: { status: 200, description: "A page of contacts.", schema: page(contactSchema) },
  },
  "contacts.get": {
    summary: "Get a contact",
    tag: "Contacts",
    params: inOrganisation.extend({ contactId: contactIdParam }),
    response: { status: 200, description: "The contact.", schema: contactSchema, etag: true },
  },
  "contacts.update": {
    summary: "Update a contact",
    description: "Partial update: only the fields given change; `null` clears a field.",
    tag: "Contacts",
    params: inOrganisation.extend({ contactId: contactIdParam }),
    body: updateContactInput,
    conditional: true,
    response: { status: 200, description: "The updated contact.", schema: contactSchema, etag: true },
    errors: [409],
  },
  "contacts.delete": {
    summary: "Delete a contact",
    description: "Members may delete only contacts they own; managers and admins any.",
    tag: "Contacts",
    params: inOrganisation.extend({ contactId: contactIdParam }),
    conditional: true,
    response: { status: 204, description: "The contact was deleted." },
    errors: [409],
  },

  "companies.create": {
    summary: "Create a company",
    tag: "Companies",
    params: inOrganisation,
    body: createCompanyInput,
    response: { status: 201, description: "The new company.", schema: companySchema, etag: true },
    errors: [409],
  },
  "companies.list": {
    summary: "List companies",
    description: "Filter by owner and tag; sort by creation time or name. Cursor-paginated.",
    tag: "Companies",
    params: inOrganisation,
    query: listCompaniesQuery,
    response: { status: 200, description: "A page of companies.", schema: page(companySchema) },
  },
  "companies.get": {
    summary: "Get a company",
    tag: "Companies",
    params: inOrganisation.extend({ companyId: companyIdParam }),
    response: { status: 200, description: "The company.", schema: companySchema, etag: true },
  },
  "companies.update": {
    summary: "Update a company",
    description: "Partial update: only the fields given change; `null` clears a field.",
    tag: "Companies",
    params: inOrganisation.extend({ companyId: companyIdParam }),
    body: updateCompanyInput,
    conditional: true,
    response: { status: 200, description: "The updated company.", schema: companySchema, etag: true },
    errors: [409],
  },
  "companies.delete": {
    summary: "Delete a company",
    description: "Its contacts are kept and unlinked from it. Members may delete only companies they own.",
    tag: "Companies",
    params: inOrganisation.extend({ companyId: companyIdParam }),
    conditional: true,
    response: { status: 204, description: "The company was deleted and its contacts unlinked." },
    errors: [409],
  },

  "pipelines.create": {
    summary: "Create a pipeline",
    description: "Managers and admins. Stages in order; at least one open, one won and one lost stage.",
    tag: "Pipelines",
    params: inOrganisation,
    body: createPipelineInput,
    response: { status: 201, description: "The new pipeline.", schema: pipelineSchema, etag: true },
  },
  "pipelines.list": {
    summary: "List pipelines",
    description: "Every pipeline of the organisation with its stages (a new organisation has one: Sales).",
    tag: "Pipelines",
    params: inOrganisation,
    query: z.strictObject({}),
    response: { status: 200, description: "All pipelines (one page).", schema: page(pipelineSchema) },
  },
  "pipelines.get": {
    summary: "Get a pipeline",
    tag: "Pipelines",
    params: inOrganisation.extend({ pipelineId: pipelineIdParam }),
    response: { status: 200, description: "The pipeline.", schema: pipelineSchema, etag: true },
  },
  "pipelines.update": {
    summary: "Rename a pipeline, make it the default, or change its stages",
    description:
      "`stages` is the complete new list: keep a stage by giving its `id` (rename, reorder, re-weight it), add one by leaving the id out, remove one by leaving it out. Deals in a removed stage must be moved: name the target in `moveDealsTo` (each move is recorded in the deals' history) or the request is refused. A stage with deals cannot change its kind. Managers and admins.",
    tag: "Pipelines",
    params: inOrganisation.extend({ pipelineId: pipelineIdParam }),
    body: updatePipelineInput,
    conditional: true,
    response: { status: 200, description: "The updated pipeline.", schema: pipelineSchema, etag: true },
    errors: [409],
  },
  "pipelines.delete": {
    summary: "Delete a pipeline",
    description: "Only a pipeline without deals that is not the default (`409 pipeline-in-use`). Managers and admins.",
    tag: "Pipelines",
    params: inOrganisation.extend({ pipelineId: pipelineIdParam }),
    conditional: true,
    response: { status: 204, description: "The pipeline was deleted." },
    errors: [409],
  },
  "pipelines.board": {
    summary: "Pipeline board and forecast",
    description:
      "Per stage the number of deals and their value per currency, weighted by the stage probability, and the pipeline's forecast. Read from totals kept in the same transactions as the deals, so its cost does not grow with the number of deals.",
    tag: "Pipelines",
    params: inOrganisation.extend({ pipelineId: pipelineIdParam }),
    response: { status: 200, description: "The board.", schema: pipelineBoardSchema },
  },
  "pipelines.rottingDeals": {
    summary: "List rotting deals",
    description:
      "Open deals that had neither an activity nor a stage change for longer than their stage's `rottingDays`, most neglected first within each stage.",
    tag: "Pipelines",
    params: inOrganisation.extend({ pipelineId: pipelineIdParam }),
    query: listRottingDealsQuery,
    response: { status: 200, description: "A page of rotting deals.", schema: page(rottingDealSchema) },
  },

  "deals.create": {
    summary: "Create a deal",
    description: "Goes to the default pipeline's first open stage unless `pipelineId`/`stageId` say otherwise.",
    tag: "Deals",
    params: inOrganisation,
    body: createDealInput,
    response: { status: 201, description: "The new deal.", schema: dealSchema, etag: true },
  },
  "deals.list": {
    summary: "List deals",
    description:
      "By pipeline (and stage), by expected close date range (with `status`, default open), by status, by owner or by company; newest first otherwise. Further criteria and `tag` filter the result. Cursor-paginated.",
    tag: "Deals",
    params: inOrganisation,
    query: listDealsQuery,
    response: { status: 200, description: "A page of deals.", schema: page(dealSchema) },
  },
  "deals.get": {
    summary: "Get a deal",
    tag: "Deals",
    params: inOrganisation.extend({ dealId: dealIdParam }),
    response: { status: 200, description: "The deal.", schema: dealSchema, etag: true },
  },
  "deals.update": {
    summary: "Update a deal",
    description: "Partial update; `null` clears a field. The stage changes only through `PATCH …/stage`.",
    tag: "Deals",
    params: inOrganisation.extend({ dealId: dealIdParam }),
    body: updateDealInput,
    conditional: true,
    response: { status: 200, description: "The updated deal.", schema: dealSchema, etag: true },
    errors: [409],
  },
  "deals.delete": {
    summary: "Delete a deal",
    description: "Members may delete only deals they own; managers and admins any.",
    tag: "Deals",
    params: inOrganisation.extend({ dealId: dealIdParam }),
    conditional: true,
    response: { status: 204, description: "The deal was deleted." },
    errors: [409],
  },
  "deals.moveStage": {
    summary: "Move a deal to a stage",
    description:
      "The stage must belong to the deal's pipeline. Records the move in the stage history (from, to, when, by whom) and the audit log; a won or lost stage closes the deal, an open one reopens it.",
    tag: "Deals",
    params: inOrganisation.extend({ dealId: dealIdParam }),
    body: moveDealInput,
    conditional: true,
    response: { status: 200, description: "The moved deal.", schema: dealSchema, etag: true },
    errors: [409],
  },
  "deals.stageHistory": {
    summary: "A deal's stage history",
    description: "Every stage the deal entered, by whom and when, and the time spent in each stage.",
    tag: "Deals",
    params: inOrganisation.extend({ dealId: dealIdParam }),
    response: { status: 200, description: "The stage history.", schema: stageHistorySchema },
  },

  "activities.create": {
    summary: "Log an activity or create a task",
    description:
      "A note, task, call, meeting or email linked to up to 20 contacts, companies and deals. It appears on each linked record's timeline and sets their `lastActivityAt` (deals: also stops them rotting).",
    tag: "Activities",
    params: inOrganisation,
    body: createActivityInput,
    response: { status: 201, description: "The new activity.", schema: activitySchema, etag: true },
  },
  "activities.get": {
    summary: "Get an activity",
    tag: "Activities",
    params: inOrganisation.extend({ activityId: activityIdParam }),
    response: { status: 200, description: "The activity.", schema: activitySchema, etag: true },
  },
  "activities.update": {
    summary: "Update an activity or complete a task",
    description:
      "Partial update; `null` clears a field; link lists replace. Completing a task (`done: true`) counts as activity on its linked records.",
    tag: "Activities",
    params: inOrganisation.extend({ activityId: activityIdParam }),
    body: updateActivityInput,
    conditional: true,
    response: { status: 200, description: "The updated activity.", schema: activitySchema, etag: true },
    errors: [409],
  },
  "activities.delete": {
    summary: "Delete an activity",
    description: "Members may delete only activities they created; managers and admins any.",
    tag: "Activities",
    params: inOrganisation.extend({ activityId: activityIdParam }),
    conditional: true,
    response: { status: 204, description: "The activity was deleted." },
    errors: [409],
  },
  "tasks.listOpen": {
    summary: "List open tasks of an assignee",
    description: "The caller's open tasks unless `assigneeId` names someone else; soonest due first, undated last.",
    tag: "Activities",
    params: inOrganisation,
    query: listTasksQuery,
    response: { status: 200, description: "A page of tasks.", schema: page(activitySchema) },
  },
  "tasks.listOverdue": {
    summary: "List overdue tasks",
    description: "The organisation's open tasks whose due time has passed, most overdue first.",
    tag: "Activities",
    params: inOrganisation,
    query: listOverdueTasksQuery,
    response: { status: 200, description: "A page of tasks.", schema: page(activitySchema) },
  },
  "contacts.timeline": {
    summary: "A contact's timeline",
    description: "Its activities and changes (creation, field changes), newest first. Cursor-paginated.",
    tag: "Contacts",
    params: inOrganisation.extend({ contactId: contactIdParam }),
    query: timelineQuery,
    response: { status: 200, description: "A page of the timeline.", schema: page(timelineItemSchema) },
  },
  "companies.timeline": {
    summary: "A company's timeline",
    description: "Its activities and changes (creation, field changes), newest first. Cursor-paginated.",
    tag: "Companies",
    params: inOrganisation.extend({ companyId: companyIdParam }),
    query: timelineQuery,
    response: { status: 200, description: "A page of the timeline.", schema: page(timelineItemSchema) },
  },
  "deals.timeline": {
    summary: "A deal's timeline",
    description: "Its activities and changes (creation, field changes, stage moves), newest first. Cursor-paginated.",
    tag: "Deals",
    params: inOrganisation.extend({ dealId: dealIdParam }),
    query: timelineQuery,
    response: { status: 200, description: "A page of the timeline.", schema: page(timelineItemSchema) },
  },

  "contacts.batchCreate": {
    summary: "Create up to 100 contacts",
    description: `${batchRules} An email given by several entries goes to the first of them; the others get 409 \`duplicate\`.`,
    tag: "Contacts",
    params: inOrganisation,
    body: batchCreateContactsInput,
    response: batchResponse(contactBatchResultsSchema),
  },
  "contacts.batchUpdate": {
    summary: "Update up to 100 contacts",
    description: `${batchRules} ${batchUpdateRules}`,
    tag: "Contacts",
    params: inOrganisation,
    body: batchUpdateContactsInput,
    response: batchResponse(contactBatchResultsSchema),
  },
  "companies.batchCreate": {
    summary: "Create up to 100 companies",
    description: `${batchRules} A domain given by several entries goes to the first of them; the others get 409 \`duplicate\`.`,
    tag: "Companies",
    params: inOrganisation,
    body: batchCreateCompaniesInput,
    response: batchResponse(companyBatchResultsSchema),
  },
  "companies.batchUpdate": {
    summary: "Update up to 100 companies",
    description: `${batchRules} ${batchUpdateRules}`,
    tag: "Companies",
    params: inOrganisation,
    body: batchUpdateCompaniesInput,
    response: batchResponse(companyBatchResultsSchema),
  },
  "deals.batchCreate": {
    summary: "Create up to 100 deals",
    description: batchRules,
    tag: "Deals",
    params: inOrganisation,
    body: batchCreateDealsInput,
    response: batchResponse(dealBatchResultsSchema),
  },
  "deals.batchUpdate": {
    summary: "Update up to 100 deals",
    description: `${batchRules} ${batchUpdateRules}`,
    tag: "Deals",
    params: inOrganisation,
    body: batchUpdateDealsInput,
    response: batchResponse(dealBatchResultsSchema),
  },

  "contacts.associations": {
    summary: "A contact's companies and deals",
    description: "The records linked to the contact, optionally of one `type`; the primary company is flagged.",
    tag: "Contacts",
    params: inOrganisation.extend({ contactId: contactIdParam }),
    query: listAssociationsQuery,
    response: { status: 200, description: "A page of linked records.", schema: page(associationSchema) },
  },
  "companies.associations": {
    summary: "A company's contacts and deals",
    description:
      "Every contact that works with the company (`primary` when it is their primary company) and its deals.",
    tag: "Companies",
    params: inOrganisation.extend({ companyId: companyIdParam }),
    query: listAssociationsQuery,
    response: { status: 200, description: "A page of linked records.", schema: page(associationSchema) },
  },
  "deals.associations": {
    summary: "A deal's contacts and company",
    tag: "Deals",
    params: inOrganisation.extend({ dealId: dealIdParam }),
    query: listAssociationsQuery,
    response: { status: 200, description: "A page of linked records.", schema: page(associationSchema) },
  },

  "trash.list": {
    summary: "List deleted records",
    description:
      "Contacts, companies and deals deleted in the last 30 days, most recent first. They are hidden from every other list and from search; after 30 days they are gone for good.",
    tag: "Trash",
    params: inOrganisation,
    query: listTrashQuery,
    response: { status: 200, description: "A page of deleted records.", schema: page(trashedRecordSchema) },
  },
  "trash.restore": {
    summary: "Restore a deleted record",
    description:
      "Brings a contact, company or deal back with its id, fields and history, and links it again to the records it was linked to where they still exist. 409 `duplicate` if its email or domain was taken meanwhile; 409 `restore-conflict` if a deal's stage no longer exists. Who may delete the record may restore it.",
    tag: "Trash",
    params: inOrganisation.extend({ recordId: trashedRecordIdParam }),
    response: { status: 200, description: "The restored record.", schema: restoredRecordSchema },
    errors: [409],
  },

  "automationRules.create": {
    summary: "Create an automation rule",
    description:
      "A trigger (an event type and conditions on the event and its record) and ordered actions: create a task, update a field, add a tag, assign round-robin, notify members, send a webhook, wait. Managers and admins.",
    tag: "Automation",
    params: inOrganisation,
    body: createRuleInput,
    response: { status: 201, description: "The new rule.", schema: ruleSchema, etag: true },
  },
  "automationRules.list": {
    summary: "List automation rules",
    tag: "Automation",
    params: inOrganisation,
    query: z.strictObject({}),
    response: { status: 200, description: "Every rule (one page).", schema: page(ruleSchema) },
  },
  "automationRules.get": {
    summary: "Get an automation rule",
    tag: "Automation",
    params: inOrganisation.extend({ ruleId: ruleIdParam }),
    response: { status: 200, description: "The rule.", schema: ruleSchema, etag: true },
  },
  "automationRules.update": {
    summary: "Change, enable or disable an automation rule",
    tag: "Automation",
    params: inOrganisation.extend({ ruleId: ruleIdParam }),
    body: updateRuleInput,
    conditional: true,
    response: { status: 200, description: "The updated rule.", schema: ruleSchema, etag: true },
    errors: [409],
  },
  "automationRules.delete": {
    summary: "Delete an automation rule",
    description: "Its waiting (delayed) actions are dropped.",
    tag: "Automation",
    params: inOrganisation.extend({ ruleId: ruleIdParam }),
    conditional: true,
    response: { status: 204, description: "The rule was deleted." },
  },
  "automationRules.dryRun": {
    summary: "Try a rule on an event without running it",
    description: "Whether the rule would match the event (condition by condition) and what it would do, in order.",
    tag: "Automation",
    params: inOrganisation.extend({ ruleId: ruleIdParam }),
    body: dryRunInput,
    response: { status: 200, description: "The dry run's outcome.", schema: dryRunResultSchema },
  },
  "automationRules.runs": {
    summary: "A rule's run log",
    description:
      "Each event the rule matched: the actions taken, the result and any error; newest first. Kept 90 days.",
    tag: "Automation",
    params: inOrganisation.extend({ ruleId: ruleIdParam }),
    query: listRunsQuery,
    response: { status: 200, description: "A page of runs.", schema: page(runSchema) },
  },

  "audit.list": {
    summary: "List the change history",
    description:
      "Every create, update and delete of contacts, companies and members: who, when, in which request, and each changed field before and after. Newest first; `recordId` narrows it to one record. Admins only.",
    tag: "Audit",
    params: inOrganisation,
    query: listAuditQuery,
    response: { status: 200, description: "A page of audit entries.", schema: page(auditEntrySchema) },
  },

  "search.query": {
    summary: "Search contacts, companies and deals",
    description:
      "Prefix search over contact names (first, last, full), emails, email domains and phone digits, company names and domains, and deal titles; case, accents, spaces and punctuation are ignored. Exact term matches come first, then prefix matches in a stable order. Reflects every write as soon as it returns.",
    tag: "Search",
    params: inOrganisation,
    query: searchQuery,
    response: { status: 200, description: "The best matches, at most `limit`.", schema: searchResultsSchema },
  },

  "webhooks.create": {
    summary: "Subscribe an endpoint to events",
    description:
      "Deliveries are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The response carries the signing secret, which no later response shows. The URL must be https and lead only to public addresses (checked now and before every delivery); at most 20 webhooks per organisation. Admins only.",
    tag: "Webhooks",
    params: inOrganisation,
    body: createWebhookInput,
    response: {
      status: 201,
      description: "The new webhook, with its secret.",
      schema: webhookWithSecretSchema,
      etag: true,
    },
  },
  "webhooks.list": {
    summary: "List webhooks",
    description: "Every webhook subscription of the organisation (one page), without secrets. Admins only.",
    tag: "Webhooks",
    params: inOrganisation,
    query: z.strictObject({}),
    response: { status: 200, description: "Every webhook (one page).", schema: page(webhookSchema) },
  },
  "webhooks.get": {
    summary: "Get a webhook",
    tag: "Webhooks",
    params: inOrganisation.extend({ webhookId: webhookIdParam }),
    response: { status: 200, description: "The webhook, without its secret.", schema: webhookSchema, etag: true },
  },
  "webhooks.update": {
    summary: "Change or re-enable a webhook",
    description:
      "Partial update of the URL (checked as on creation), events, description or `enabled`; `null` clears the description. Enabling a webhook the API disabled clears `disabledReason`. Admins only.",
    tag: "Webhooks",
    params: inOrganisation.extend({ webhookId: webhookIdParam }),
    body: updateWebhookInput,
    conditional: true,
    response: { status: 200, description: "The updated webhook.", schema: webhookSchema, etag: true },
    errors: [409],
  },
  "webhooks.delete": {
    summary: "Delete a webhook",
    description: "Its pending deliveries are cancelled. Admins only.",
    tag: "Webhooks",
    params: inOrganisation.extend({ webhookId: webhookIdParam }),
    conditional: true,
    response: { status: 204, description: "The webhook was deleted." },
    errors: [409],
  },
  "webhooks.rotateSecret": {
    summary: "Rotate a webhook's signing secret",
    description:
      "Returns a new secret, shown only here. For 24 hours deliveries are signed with both the new and the previous secret (two signatures in `webhook-signature`), so the receiver can switch without losing any. Admins only.",
    tag: "Webhooks",
    params: inOrganisation.extend({ webhookId: webhookIdParam }),
    response: {
      status: 200,
      description: "The webhook, with its new secret.",
      schema: webhookWithSecretSchema,
      etag: true,
    },
  },
  "webhooks.listDeliveries": {
    summary: "A webhook's delivery log",
    description:
      "Deliveries of the last 30 days, newest event first: the event, the status, the number of attempts, the latest attempt's response status, latency and first kilobyte of body, and when the next attempt is due. Admins only.",
    tag: "Webhooks",
    params: inOrganisation.extend({ webhookId: webhookIdParam }),
    query: listQuery,
    response: { status: 200, description: "A page of deliveries.", schema: page(deliverySchema) },
  },
  "webhooks.replayDelivery": {
    summary: "Send a delivery again",
    description:
      "Attempts the delivery now, whatever its state, with the webhook's current URL and secrets (also when the webhook is disabled), and answers with the outcome. A failed replay is retried on the schedule while the delivery has attempts left. Admins only.",
    tag: "Webhooks",
    params: inOrganisation.extend({ webhookId: webhookIdParam, deliveryId: deliveryIdParam }),
    response: { status: 200, description: "The delivery after the attempt.", schema: deliverySchema },
  },

  "notifications.list": {
    summary: "List my notifications",
    description:
      "The caller's notifications in this organisation, newest first, such as a webhook the API disabled (sent to every admin). Kept 90 days.",
    tag: "Notifications",
    params: inOrganisation,
    query: listQuery,
    response: { status: 200, description: "A page of notifications.", schema: page(notificationSchema) },
  },
} as const satisfies Record<RouteId, RouteContract>;

export type Contracts = typeof contracts;
