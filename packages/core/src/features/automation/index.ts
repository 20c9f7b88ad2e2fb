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
