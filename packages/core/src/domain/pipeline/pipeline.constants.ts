// Shared by the entity and the API schemas; dependency-free, so a schema does not bring the entity into a bundle.
export const stageKinds = ["open", "won", "lost"] as const;
export type StageKind = (typeof stageKinds)[number];
