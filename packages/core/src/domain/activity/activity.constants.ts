// Shared by the entity and the API schemas; dependency-free, so a schema does not bring the entity into a bundle.
export const activityTypes = ["note", "task", "call", "meeting", "email"] as const;

export const taskPriorities = ["low", "normal", "high"] as const;
