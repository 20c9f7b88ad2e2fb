/** The public surface of this module: what handlers, the local cloud and the tests use. */
export {
  createActivity,
  deleteActivity,
  getActivity,
  listOpenTasks,
  listOverdueTasks,
  updateActivity,
} from "./activity.service";
export { recordTimeline } from "./timeline.service";
