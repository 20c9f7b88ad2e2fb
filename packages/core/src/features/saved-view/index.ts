/** The public surface of this module: what handlers and tests use. */
export { savedViewContracts } from "./saved-view.contract";
export { SavedViewEntity } from "./saved-view.entity";
export type { SavedView } from "./saved-view.schema";
export {
  createSavedView,
  deleteSavedView,
  getSavedView,
  listSavedViews,
  updateSavedView,
} from "./saved-view.service";
