// Shared by the entity and the API schemas; dependency-free, so a schema does not bring the entity into a bundle.
export const dealStatuses = ["open", "won", "lost"] as const;
