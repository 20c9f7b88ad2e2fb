/**
 * A stable logical name from a declaration's key ("contacts.create" → "ContactsCreate", "$connect" → "Connect",
 * "webhookRetries" → "WebhookRetries"), so renaming a path or handler keeps the resource.
 */
export function logicalName(key: string): string {
  return key
    .replace(/^\$/, "")
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
