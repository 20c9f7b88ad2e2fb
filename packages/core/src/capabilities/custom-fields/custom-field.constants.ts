// Shared by the entity and the API schemas; dependency-free, so a schema does not bring the entity into a bundle.

/** The record types an organisation can add fields to. */
export const customFieldRecordTypes = ["contact", "company", "deal", "activity"] as const;
export type CustomFieldRecordType = (typeof customFieldRecordTypes)[number];

export const customFieldTypes = [
  "text",
  "longText",
  "number",
  "currency",
  "date",
  "dateTime",
  "boolean",
  "singleSelect",
  "multiSelect",
  "url",
  "email",
  "phone",
  "member",
] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];
