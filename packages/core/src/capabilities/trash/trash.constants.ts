// Shared by the entity and the API schemas; dependency-free, so a schema does not bring the entity into a bundle.
export const trashableTypes = ["contact", "company", "deal", "file"] as const;
export type TrashableType = (typeof trashableTypes)[number];

/**
 * How long a deleted record can be restored; DynamoDB's TTL then removes it for good (and the purge job a trashed
 * file with its object).
 */
export const trashRetentionDays = 30;
