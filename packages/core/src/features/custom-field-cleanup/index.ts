export { removeDeletedCustomFields } from "./custom-field-cleanup.service";
