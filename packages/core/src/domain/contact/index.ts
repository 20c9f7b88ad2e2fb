/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { contactContracts } from "./contact.contract";
export { contactFilterFields } from "./contact.filter-fields";
export { contactLinks } from "./contact.links";
export { getContact, listContacts } from "./contact.queries";
export { createContactInput } from "./contact.schema";
export { createContact, deleteContact, updateContact } from "./contact.service";
