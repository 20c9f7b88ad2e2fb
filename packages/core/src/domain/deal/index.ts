/** The public surface of this module: what handlers, the local cloud and the tests use. */
export {
  createDeal,
  deleteDeal,
  getDeal,
  getDealStageHistory,
  listDeals,
  listRottingDeals,
  moveDealToStage,
  updateDeal,
} from "./deal.service";
