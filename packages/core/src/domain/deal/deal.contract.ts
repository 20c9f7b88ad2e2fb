import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { dealRoutes } from "./deal.routes";
import {
  createDealInput,
  dealSchema,
  listDealsQuery,
  listRottingDealsQuery,
  moveDealInput,
  rottingDealSchema,
  stageHistorySchema,
  updateDealInput,
} from "./deal.schema";

/** What the routes of deal.routes.ts accept and answer. */
export const dealContracts = {
  "pipelines.rottingDeals": {
    summary: "List rotting deals",
    description:
      "Open deals that had neither an activity nor a stage change for longer than their stage's `rottingDays`, most neglected first within each stage.",
    tag: "Pipelines",
    query: listRottingDealsQuery,
    response: { status: 200, description: "A page of rotting deals.", schema: page(rottingDealSchema) },
  },
  "deals.create": {
    summary: "Create a deal",
    description: "Goes to the default pipeline's first open stage unless `pipelineId`/`stageId` say otherwise.",
    tag: "Deals",
    body: createDealInput,
    response: { status: 201, description: "The new deal.", schema: dealSchema, location: true, etag: true },
  },
  "deals.list": {
    summary: "List deals",
    description:
      "By pipeline (and stage), by expected close date range (with `status`, default open), by status, by owner or by company; newest first otherwise. Further criteria and `tag` filter the result. Cursor-paginated.",
    tag: "Deals",
    query: listDealsQuery,
    response: { status: 200, description: "A page of deals.", schema: page(dealSchema) },
  },
  "deals.get": {
    summary: "Get a deal",
    tag: "Deals",
    response: { status: 200, description: "The deal.", schema: dealSchema, etag: true },
  },
  "deals.update": {
    summary: "Update a deal",
    description: "Partial update; `null` clears a field. The stage changes only through `PATCH …/stage`.",
    tag: "Deals",
    body: updateDealInput,
    conditional: true,
    response: { status: 200, description: "The updated deal.", schema: dealSchema, etag: true },
    errors: [409],
  },
  "deals.delete": {
    summary: "Delete a deal",
    description: "Members may delete only deals they own; managers and admins any.",
    tag: "Deals",
    conditional: true,
    response: { status: 204, description: "The deal was deleted." },
    errors: [409],
  },
  "deals.moveStage": {
    summary: "Move a deal to a stage",
    description:
      "The stage must belong to the deal's pipeline. Records the move in the stage history (from, to, when, by whom) and the audit log; a won or lost stage closes the deal, an open one reopens it.",
    tag: "Deals",
    body: moveDealInput,
    conditional: true,
    response: { status: 200, description: "The moved deal.", schema: dealSchema, etag: true },
    errors: [409],
  },
  "deals.stageHistory": {
    summary: "A deal's stage history",
    description: "Every stage the deal entered, by whom and when, and the time spent in each stage.",
    tag: "Deals",
    response: { status: 200, description: "The stage history.", schema: stageHistorySchema },
  },
} as const satisfies ContractsOf<typeof dealRoutes>;
