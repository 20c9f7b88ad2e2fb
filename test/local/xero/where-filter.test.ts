import { parseWhere, WhereParseError } from "@crm/local/xero";
import { describe, expect, it } from "vitest";

/** Records as Xero's Accounting API shows them: PascalCase paths, `/Date(…)/` instants, nested objects. */
const globex = {
  ContactID: "9B2F1C4E-0000-4000-8000-000000000001",
  Name: "Globex Corporation",
  IsCustomer: true,
  Balance: 1250.5,
  EmailAddress: null,
  UpdatedDateUTC: "/Date(1764547200000+0000)/", // 2025-12-01T00:00:00Z
  Contact: { ContactID: "9B2F1C4E-0000-4000-8000-000000000001", Name: "Globex Corporation" },
};
const initech = {
  ContactID: "4D1A0B2C-0000-4000-8000-000000000002",
  Name: "Initech",
  IsCustomer: false,
  Balance: 0,
  UpdatedDateUTC: "2025-11-01T00:00:00",
  Contact: { ContactID: "4D1A0B2C-0000-4000-8000-000000000002", Name: "Initech" },
};
const records = [globex, initech];
const matching = (clause: string) => records.filter(parseWhere(clause)).map((record) => record.Name);

describe("the fake Xero's `where` filter", () => {
  it("keeps everything for an empty clause", () => {
    expect(matching("")).toEqual(["Globex Corporation", "Initech"]);
    expect(matching("   ")).toEqual(["Globex Corporation", "Initech"]);
  });

  it("compares strings without case, with == and !=, along nested paths", () => {
    expect(matching('Name == "globex corporation"')).toEqual(["Globex Corporation"]);
    expect(matching('Name != "Initech"')).toEqual(["Globex Corporation"]);
    expect(matching('Contact.Name == "INITECH"')).toEqual(["Initech"]);
    expect(matching('Name == "Say \\"hi\\""')).toEqual([]);
  });

  it("compares numbers and booleans, and null with a field that is null or absent", () => {
    expect(matching("Balance > 100")).toEqual(["Globex Corporation"]);
    expect(matching("Balance >= 0")).toEqual(["Globex Corporation", "Initech"]);
    expect(matching("Balance < 0.5")).toEqual(["Initech"]);
    expect(matching("Balance <= 1250.5")).toEqual(["Globex Corporation", "Initech"]);
    expect(matching("Balance > -1")).toEqual(["Globex Corporation", "Initech"]);
    expect(matching("IsCustomer == true")).toEqual(["Globex Corporation"]);
    expect(matching("IsCustomer == FALSE")).toEqual(["Initech"]);
    expect(matching("EmailAddress == null")).toEqual(["Globex Corporation", "Initech"]);
    expect(matching("EmailAddress != null")).toEqual([]);
    // An order against null is never true.
    expect(matching("EmailAddress > 1")).toEqual([]);
  });

  it("compares Guid(…) without case and DateTime(…) with /Date(…)/ and zone-less instants, in UTC", () => {
    expect(matching('ContactID == Guid("9b2f1c4e-0000-4000-8000-000000000001")')).toEqual(["Globex Corporation"]);
    expect(matching("UpdatedDateUTC >= DateTime(2025, 12, 01)")).toEqual(["Globex Corporation"]);
    expect(matching("UpdatedDateUTC < DateTime(2025,11,30,23,59,59)")).toEqual(["Initech"]);
    expect(matching("UpdatedDateUTC == DateTime(2025, 11, 01, 00, 00, 00)")).toEqual(["Initech"]);
  });

  it("calls Contains, StartsWith and EndsWith without case, and only on strings", () => {
    expect(matching('Name.Contains("CORP")')).toEqual(["Globex Corporation"]);
    expect(matching('Name.StartsWith("ini")')).toEqual(["Initech"]);
    expect(matching('Name.EndsWith("tech")')).toEqual(["Initech"]);
    expect(matching('Balance.Contains("1")')).toEqual([]);
  });

  it("joins with AND (&&) and OR (||), AND binding tighter", () => {
    expect(matching('IsCustomer == true AND Name.StartsWith("Glo")')).toEqual(["Globex Corporation"]);
    expect(matching('IsCustomer == true && Name == "Initech"')).toEqual([]);
    expect(matching('Name == "Initech" OR Balance > 1000')).toEqual(["Globex Corporation", "Initech"]);
    expect(matching('Name == "nobody" || IsCustomer == false')).toEqual(["Initech"]);
    // (false AND …) OR true, not false AND (… OR true)
    expect(matching('Name == "nobody" and Balance > 1000 or Name == "Initech"')).toEqual(["Initech"]);
  });

  it("refuses what it cannot read, as Xero answers 400 QueryParseException", () => {
    for (const clause of [
      "Name ~= 1",
      'Name == "Globex" Balance > 1',
      'Name == "Globex" AND',
      'Name.Matches("x")',
      '== "Globex"',
    ]) {
      expect(() => parseWhere(clause), clause).toThrow(WhereParseError);
    }
  });
});
