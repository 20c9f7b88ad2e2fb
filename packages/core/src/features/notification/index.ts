/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { notificationContracts } from "./notification.contract";
export { listMyNotifications } from "./notification.service";
