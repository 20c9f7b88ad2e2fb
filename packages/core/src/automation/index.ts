export { automationActionHooks } from "./automation.hooks";
export * from "./automation.schema";
export {
  createRule,
  deleteRule,
  dryRunRule,
  getRule,
  handleDomainEvent,
  listRules,
  listRuns,
  runDueDelayedActions,
  updateRule,
} from "./automation.service";
