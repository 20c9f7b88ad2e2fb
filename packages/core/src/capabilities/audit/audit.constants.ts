// Shared by the entity and the API schemas; dependency-free, so a schema does not bring the entity into a bundle.
export const auditedRecordTypes = [
  "contact",
  "company",
  "member",
  "deal",
  "pipeline",
  "activity",
  "integration",
  "invoice",
  "payment",
  "apiKey",
  "customField",
] as const;

/**
 * `connected` … `sync_failed` are what happens to an integration connection, `paid` to an invoice and `received` to
 * a payment (both seen in the connected books), `revoked` to an API key; the others are changes of records.
 */
export const changeActions = [
  "created",
  "updated",
  "deleted",
  "restored",
  "merged",
  "stage_changed",
  "connected",
  "disconnected",
  "needs_reauth",
  "sync_failed",
  "paid",
  "received",
  "revoked",
] as const;

/** `activity` entries put an activity on a linked record's timeline; every other action is a change. */
export const auditActions = [...changeActions, "activity"] as const;
