import { matchKeysOfCompany, matchKeysOfContact, normalisedCompanyName, normalisedEmail } from "@crm/core/duplicates";
import { describe, expect, it } from "vitest";

describe("match keys", () => {
  it("reads an email as its mailbox: no case, no +tag, and no dots at Gmail", () => {
    expect(normalisedEmail("Ada+News@Example.com")).toBe("ada@example.com");
    expect(normalisedEmail("ada.lovelace@googlemail.com")).toBe("adalovelace@gmail.com");
    expect(normalisedEmail("ada.lovelace@example.com")).toBe("ada.lovelace@example.com");
  });

  it("reads a company name without case, accents, punctuation or a trailing legal form", () => {
    expect(normalisedCompanyName("Société Générale SA")).toBe(normalisedCompanyName("societe generale"));
    expect(normalisedCompanyName("Initech, Ltd.")).toBe("initech");
    expect(normalisedCompanyName("Inc")).toBe("inc");
  });

  it("gives a contact a name key only with a name and a primary company", () => {
    const base = { emails: [], phones: [] };
    expect(matchKeysOfContact({ ...base, firstName: "Ada", lastName: "Lovelace" })).toEqual([]);
    expect(matchKeysOfContact({ ...base, firstName: "Ada", companyId: "com_1" })).toEqual([
      { kind: "name", value: "com_1:ada" },
    ]);
  });

  it("ignores phone numbers too short to identify anyone and keeps at most eight keys", () => {
    const keys = matchKeysOfContact({
      emails: Array.from({ length: 10 }, (_, index) => `person${index}@example.com`),
      phones: ["123", "+44 20 7946 0958"],
    });
    expect(keys).toHaveLength(8);
    expect(keys.some((key) => key.kind === "phone")).toBe(false);
    expect(matchKeysOfContact({ emails: [], phones: ["123", "+44 20 7946 0958"] })).toEqual([
      { kind: "phone", value: "442079460958" },
    ]);
  });

  it("reads a domain as the site it belongs to", () => {
    const domainOf = (domain: string) => matchKeysOfCompany({ name: "x", domain })[0]?.value;
    expect(domainOf("eu.initech.com")).toBe("initech.com");
    expect(domainOf("shop.initech.co.uk")).toBe("initech.co.uk");
    expect(domainOf("initech.io")).toBe("initech.io");
  });
});
