// Shared by the entity and the API schemas; dependency-free, so a schema does not bring the entity into a bundle.
export const associableTypes = ["contact", "company", "deal"] as const;
export type AssociableType = (typeof associableTypes)[number];
