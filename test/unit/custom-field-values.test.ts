import {
  type CustomFieldDefinition,
  type MergingRecord,
  maxCustomFieldValuesBytes,
  mergedCustomFieldValues,
  validateCustomFieldValues,
} from "@crm/core/custom-fields";
import { describe, expect, it } from "vitest";

/** A definition of a contact field with overrides. */
const aDefinition = (overrides: Partial<CustomFieldDefinition> = {}): CustomFieldDefinition => ({
  fieldId: "fld_01",
  recordType: "contact",
  key: "nickname",
  type: "text",
  required: false,
  archived: false,
  status: "active",
  options: [],
  ...overrides,
});

const issuesOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { issues: { path: string; message: string }[] }).issues;
  }
  throw new Error("Expected a ValidationError.");
};

describe("validating custom field values", () => {
  it("keeps the current values of live fields on update, applies the given ones and drops deleted fields' values", () => {
    const definitions = [aDefinition(), aDefinition({ fieldId: "fld_02", key: "score", type: "number" })];
    const result = validateCustomFieldValues(
      [...definitions, aDefinition({ fieldId: "fld_03", key: "legacy", status: "deleting" })],
      "contact",
      { score: 7 },
      { nickname: "Ada", legacy: "x", gone: 1 },
      "update",
    );
    // The text field's value is searched, the number's is not.
    expect(result).toEqual({ values: { nickname: "Ada", score: 7 }, memberReferences: [], searchedKeys: ["nickname"] });
  });

  it("treats a deleting field as unknown", () => {
    const issues = issuesOf(() =>
      validateCustomFieldValues([aDefinition({ status: "deleting" })], "contact", { nickname: "Ada" }, {}, "update"),
    );
    expect(issues).toEqual([{ path: "body.customFields.nickname", message: "No such custom field of a contact." }]);
  });

  it("finds a missing required field even when its key is a name the object's prototype has", () => {
    const issues = issuesOf(() =>
      validateCustomFieldValues([aDefinition({ key: "toString", required: true })], "contact", {}, undefined, "create"),
    );
    expect(issues).toEqual([{ path: "body.customFields.toString", message: "Required." }]);
  });

  it("holds a currency field to its pinned currency and whole minor units", () => {
    const issues = issuesOf(() =>
      validateCustomFieldValues(
        [aDefinition({ key: "budget", type: "currency", currency: "EUR" })],
        "contact",
        { budget: { amount: 1.5, currency: "USD" } },
        undefined,
        "create",
      ),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      "body.customFields.budget.amount",
      "body.customFields.budget.currency",
    ]);
  });

  it("names the member of a member field for the write's own check, at its path", () => {
    const result = validateCustomFieldValues(
      [aDefinition({ key: "accountManager", type: "member" })],
      "contact",
      { accountManager: "mem_01abc" },
      undefined,
      "create",
    );
    expect(result.memberReferences).toEqual([{ memberId: "mem_01abc", path: "body.customFields.accountManager" }]);
  });
});

describe("merging custom field values", () => {
  const aRecord = (id: string, updatedAt: string, customFields: Record<string, unknown>): MergingRecord => ({
    id,
    updatedAt,
    customFields,
  });
  const survivor = aRecord("con_s", "2026-01-01T00:00:00.000Z", { nickname: "Ada", legacy: "x" });
  const older = aRecord("con_a", "2026-02-01T00:00:00.000Z", { score: 1, alias: "Augusta" });
  const newer = aRecord("con_b", "2026-03-01T00:00:00.000Z", { score: 2 });
  const definitions = [
    aDefinition(),
    aDefinition({ fieldId: "fld_02", key: "score", type: "number" }),
    aDefinition({ fieldId: "fld_03", key: "alias" }),
    aDefinition({ fieldId: "fld_04", key: "legacy", status: "deleting" }),
  ];

  it("takes the survivor's value, else the newest merged record's, drops deleted fields' and searches text values", () => {
    expect(mergedCustomFieldValues(definitions, "contact", survivor, [older, newer], undefined)).toEqual({
      values: { nickname: "Ada", score: 2, alias: "Augusta" },
      memberReferences: [],
      searchedKeys: ["nickname", "alias"],
    });
  });

  it("refuses to clear a required field by choosing a record without a value", () => {
    const required = [aDefinition({ required: true })];
    expect(
      issuesOf(() => mergedCustomFieldValues(required, "contact", survivor, [newer], { nickname: "con_b" })),
    ).toEqual([{ path: "body.fields.customFields.nickname", message: expect.stringContaining("Required") }]);
  });

  it("refuses a choice of an archived field, and values too large together", () => {
    const archived = [aDefinition({ archived: true })];
    expect(
      issuesOf(() => mergedCustomFieldValues(archived, "contact", survivor, [older], { nickname: "con_a" })),
    ).toEqual([{ path: "body.fields.customFields.nickname", message: expect.stringContaining("archived") }]);
    const half = "x".repeat(maxCustomFieldValuesBytes / 2);
    const large = [
      aDefinition({ type: "longText" }),
      aDefinition({ fieldId: "fld_03", key: "alias", type: "longText" }),
    ];
    expect(
      issuesOf(() =>
        mergedCustomFieldValues(
          large,
          "contact",
          aRecord("con_s", survivor.updatedAt, { nickname: half }),
          [aRecord("con_a", older.updatedAt, { alias: half })],
          undefined,
        ),
      ),
    ).toEqual([{ path: "body.mergedIds", message: expect.stringContaining("too large") }]);
  });
});
