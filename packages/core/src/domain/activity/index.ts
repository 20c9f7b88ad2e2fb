/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { activityContracts } from "./activity.contract";
export { activityFilterFields } from "./activity.filter-fields";
export { getActivity, listActivities, listOpenTasks, listOverdueTasks } from "./activity.queries";
export { createActivity, deleteActivity, updateActivity } from "./activity.service";
export { recordTimeline } from "./timeline.queries";
