// Shared by the entities and the API schemas; dependency-free, so a schema does not bring an entity into a bundle.

/** The record types that have duplicate candidates and can be merged. */
export const mergeableRecordTypes = ["contact", "company"] as const;
export type MergeableRecordType = (typeof mergeableRecordTypes)[number];

/**
 * What two records share when they are candidates: a contact's email (normalised, see `normalisedEmail`), phone
 * digits, or name at its primary company; a company's domain or name.
 */
export const matchKeyKinds = ["email", "phone", "name", "domain"] as const;
export type MatchKeyKind = (typeof matchKeyKinds)[number];

/** Most records that merge into one survivor at once (Twenty's limit; HubSpot merges 2, Salesforce 3). */
export const maxMergedRecords = 9;
