/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { dealContracts } from "./deal.contract";
export { DealEntity } from "./deal.entity";
export { dealFilterFields } from "./deal.filter-fields";
export { dealLinks } from "./deal.links";
export { getDeal, getDealStageHistory, listDeals, listRottingDeals } from "./deal.queries";
export {
  createDeal,
  deleteDeal,
  moveDealToStage,
  updateDeal,
} from "./deal.service";
