/**
 * The record's custom field values by key (capabilities/custom-fields validates them): a map whose properties are
 * the organisation's to choose, so ElectroDB stores it as it is. Absent while the record holds none.
 */
export const customFieldValuesAttribute = { customFields: { type: "any" } } as const;

/**
 * Attributes every owned CRM record (contact, company, later deal) carries: its owner, tags, the folded sort name
 * of its list index, the version that guards concurrent writes, and its audit timestamps.
 */
export const ownedRecordAttributes = {
  ownerId: { type: "string", required: true },
  tags: { type: "list", items: { type: "string" }, required: true, default: () => [] },
  /** Folded name, the sort key of the by-name list index. */
  sortName: { type: "string", required: true, hidden: true },
  version: { type: "number", required: true, default: 1 },
  /**
   * How many links other records hold to this one (a deal's contacts, a contact's companies). Kept by the link
   * transactions; a deletion first unlinks them and then requires zero, so no link can be added meanwhile.
   */
  linkCount: { type: "number", default: 0 },
  createdBy: { type: "string", required: true, readOnly: true },
  createdAt: { type: "string", required: true, readOnly: true },
  updatedAt: { type: "string", required: true },
  ...customFieldValuesAttribute,
  /**
   * The keys of the custom fields whose values are search terms of the record (text-like types), written with the
   * values; absent when none is.
   */
  searchedCustomFields: { type: "list", items: { type: "string" } },
} as const;
