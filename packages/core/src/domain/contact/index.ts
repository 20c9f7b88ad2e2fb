/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { createContactInput } from "./contact.schema";
export { createContact, deleteContact, getContact, listContacts, updateContact } from "./contact.service";
