import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { savedViewRoutes } from "./saved-view.routes";
import { createSavedViewInput, listSavedViewsQuery, savedViewSchema, updateSavedViewInput } from "./saved-view.schema";

/** What the routes of saved-view.routes.ts accept and answer. */
export const savedViewContracts = {
  "views.create": {
    summary: "Save a view of a list",
    description:
      "A name, the record type (contact, company, deal), a filter in the lists' grammar, a sort and the columns to show. Private by default; managers and admins may share it with the organisation (`visibility: organisation`). The answer's `query` is the view as the list's query parameters.",
    tag: "Saved views",
    body: createSavedViewInput,
    response: { status: 201, description: "The new view.", schema: savedViewSchema, location: true },
  },
  "views.list": {
    summary: "List the views the caller sees",
    description: "The caller's own views and the organisation's shared ones, newest first.",
    tag: "Saved views",
    query: listSavedViewsQuery,
    response: { status: 200, description: "A page of views.", schema: page(savedViewSchema) },
  },
  "views.get": {
    summary: "Get a saved view",
    description: "Another member's private view is a 404.",
    tag: "Saved views",
    response: { status: 200, description: "The view.", schema: savedViewSchema },
  },
  "views.update": {
    summary: "Change a saved view",
    description:
      "Its owner changes a private view; its owner, managers and admins a shared one. `null` clears the filter or the sort.",
    tag: "Saved views",
    body: updateSavedViewInput,
    response: { status: 200, description: "The changed view.", schema: savedViewSchema },
    errors: [409],
  },
  "views.delete": {
    summary: "Delete a saved view",
    description: "As for changing it: its owner, or for a shared view a manager or admin.",
    tag: "Saved views",
    response: { status: 204, description: "The view was deleted." },
  },
} as const satisfies ContractsOf<typeof savedViewRoutes>;
