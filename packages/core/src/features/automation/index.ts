/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { automationContracts } from "./automation.contract";
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
