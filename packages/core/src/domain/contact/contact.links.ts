import { isIdOf } from "../../platform/ids";
import { inTransaction } from "../../platform/table";
import type { LinkTarget } from "../association/link-target";
import { ContactEntity } from "./contact.entity";

/** How links reach a contact: its link count and whether it exists. */
export const contactLinks: LinkTarget<"contact"> = {
  type: "contact",
  countLinks: (orgId, contactId, delta) =>
    inTransaction(ContactEntity).patch({ orgId, contactId }).add({ linkCount: delta }).commit(),
  existenceCheck: (orgId, contactId) =>
    inTransaction(ContactEntity)
      .check({ orgId, contactId })
      .where((attributes, { exists }) => exists(attributes.contactId))
      .commit(),
  exists: async (orgId, contactId) => {
    if (!isIdOf("contact", contactId)) return false;
    const { data } = await ContactEntity.get({ orgId, contactId }).go({ attributes: ["contactId"] });
    return data !== null;
  },
};
