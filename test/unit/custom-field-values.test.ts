import { type CustomFieldDefinition, validateCustomFieldValues } from "@crm/core/custom-fields";
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
