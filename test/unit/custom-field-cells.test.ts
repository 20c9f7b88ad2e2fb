import { customFieldValueOf, rowToInput } from "@crm/core/import";
import { describe, expect, it } from "vitest";

const definition = (type: string, extra: Record<string, unknown> = {}) =>
  ({
    fieldId: "cfd_1",
    recordType: "contact",
    key: "field",
    type,
    required: false,
    archived: false,
    status: "active",
    options: [],
    ...extra,
  }) as Parameters<typeof customFieldValueOf>[0];

const tier = definition("singleSelect", {
  key: "tier",
  options: [
    { id: "opt_gold", label: "Gold", archived: false },
    { id: "opt_silver", label: "Silver", archived: false },
    { id: "opt_old", label: "Bronze", archived: true },
  ],
});

describe("reading a CSV cell as a custom field's value", () => {
  it("reads numbers in either decimal style, and refuses what is none", () => {
    expect(customFieldValueOf(definition("number"), "12,5", undefined)).toEqual({ ok: true, value: 12.5 });
    expect(customFieldValueOf(definition("number"), "1,234.5", undefined)).toEqual({ ok: true, value: 1234.5 });
    expect(customFieldValueOf(definition("number"), "1.234,5", undefined)).toEqual({ ok: true, value: 1234.5 });
    expect(customFieldValueOf(definition("number"), "-3", undefined)).toEqual({ ok: true, value: -3 });
    expect(customFieldValueOf(definition("number"), "twelve", undefined)).toMatchObject({ ok: false });
  });

  it("reads currency amounts into minor units of the cell's code, the field's currency or the default", () => {
    expect(customFieldValueOf(definition("currency"), "EUR 1.250,00", undefined)).toEqual({
      ok: true,
      value: { amount: 125000, currency: "EUR" },
    });
    expect(customFieldValueOf(definition("currency", { currency: "JPY" }), "1,200", undefined)).toEqual({
      ok: true,
      value: { amount: 1200, currency: "JPY" },
    });
    expect(customFieldValueOf(definition("currency"), "12.50", "gbp")).toEqual({
      ok: true,
      value: { amount: 1250, currency: "GBP" },
    });
    expect(customFieldValueOf(definition("currency"), "12.50", undefined)).toMatchObject({ ok: false });
  });

  it("reads booleans from yes/no words and select options by id or label", () => {
    expect(customFieldValueOf(definition("boolean"), "Yes", undefined)).toEqual({ ok: true, value: true });
    expect(customFieldValueOf(definition("boolean"), "0", undefined)).toEqual({ ok: true, value: false });
    expect(customFieldValueOf(definition("boolean"), "maybe", undefined)).toMatchObject({ ok: false });
    expect(customFieldValueOf(tier, "gold", undefined)).toEqual({ ok: true, value: "opt_gold" });
    expect(customFieldValueOf(tier, "opt_silver", undefined)).toEqual({ ok: true, value: "opt_silver" });
    expect(customFieldValueOf(tier, "Platinum", undefined)).toEqual({
      ok: false,
      message: "Must be one of the options: Gold, Silver.",
    });
    const interests = definition("multiSelect", { options: tier.options });
    expect(customFieldValueOf(interests, "Gold; silver; Gold", undefined)).toEqual({
      ok: true,
      value: ["opt_gold", "opt_silver"],
    });
  });

  it("puts values in the row's customFields, and points a bad value or an archived option at its column", () => {
    const options = { customFields: [tier, definition("date", { key: "renewal" })] };
    const mapping = { Name: "firstName", Level: "customFields.tier", Renewal: "customFields.renewal" };
    expect(rowToInput("contact", mapping, { Name: "Ada", Level: "Gold", Renewal: "2027-03-31" }, options)).toEqual({
      ok: true,
      input: expect.objectContaining({ firstName: "Ada", customFields: { tier: "opt_gold", renewal: "2027-03-31" } }),
    });
    const bad = rowToInput("contact", mapping, { Name: "Ada", Level: "Bronze", Renewal: "31/03/2027" }, options);
    expect(bad).toEqual({
      ok: false,
      errors: [
        { path: "body.customFields.tier", column: "Level", message: "Must be one of the options: Gold, Silver." },
        { path: "body.customFields.renewal", column: "Renewal", message: expect.any(String) },
      ],
    });
  });
});
