// Shared by the entity and the API schemas; dependency-free, so a schema does not bring the entity into a bundle.
/** The record types search covers; a new one needs an entry here and search-term actions in its service's writes. */
export const searchableRecordTypes = ["contact", "company", "deal"] as const;
export type SearchableRecordType = (typeof searchableRecordTypes)[number];
