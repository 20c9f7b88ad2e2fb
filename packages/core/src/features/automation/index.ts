/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { automationContracts } from "./automation.contract";
export { getRule, listRules, listRuns } from "./automation.queries";
export { createRule, deleteRule, updateRule } from "./automation.service";
