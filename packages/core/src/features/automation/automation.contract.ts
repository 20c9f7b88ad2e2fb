import { z } from "zod";
import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { automationRoutes } from "./automation.routes";
import {
  createRuleInput,
  dryRunInput,
  dryRunResultSchema,
  listRunsQuery,
  ruleSchema,
  runSchema,
  updateRuleInput,
} from "./automation.schema";

/** What the routes of automation.routes.ts accept and answer. */
export const automationContracts = {
  "automationRules.create": {
    summary: "Create an automation rule",
    description:
      "A trigger (an event type and conditions on the event and its record) and ordered actions: create a task, update a field, add a tag, assign round-robin, notify members, send a webhook, wait.",
    tag: "Automation",
    body: createRuleInput,
    response: { status: 201, description: "The new rule.", schema: ruleSchema, location: true, etag: true },
  },
  "automationRules.list": {
    summary: "List automation rules",
    tag: "Automation",
    query: z.strictObject({}),
    response: { status: 200, description: "Every rule (one page).", schema: page(ruleSchema) },
  },
  "automationRules.get": {
    summary: "Get an automation rule",
    tag: "Automation",
    response: { status: 200, description: "The rule.", schema: ruleSchema, etag: true },
  },
  "automationRules.update": {
    summary: "Change, enable or disable an automation rule",
    tag: "Automation",
    body: updateRuleInput,
    conditional: true,
    response: { status: 200, description: "The updated rule.", schema: ruleSchema, etag: true },
    errors: [409],
  },
  "automationRules.delete": {
    summary: "Delete an automation rule",
    description: "Its waiting (delayed) actions are dropped.",
    tag: "Automation",
    conditional: true,
    response: { status: 204, description: "The rule was deleted." },
  },
  "automationRules.dryRun": {
    summary: "Try a rule on an event without running it",
    description: "Whether the rule would match the event (condition by condition) and what it would do, in order.",
    tag: "Automation",
    body: dryRunInput,
    response: { status: 200, description: "The dry run's outcome.", schema: dryRunResultSchema },
  },
  "automationRules.runs": {
    summary: "A rule's run log",
    description:
      "Each event the rule matched: the actions taken, the result and any error; newest first. Kept 90 days.",
    tag: "Automation",
    query: listRunsQuery,
    response: { status: 200, description: "A page of runs.", schema: page(runSchema) },
  },
} as const satisfies ContractsOf<typeof automationRoutes>;
