import { domainOf, minorUnits, normalisedName } from "@crm/core/integration";
import { describe, expect, it } from "vitest";

describe("matching accounting customers to companies", () => {
  it("a name matches however it is written: case, accents, punctuation and legal suffixes aside", () => {
    expect(normalisedName("Globex Corporation")).toBe(normalisedName("GLOBEX corp."));
    expect(normalisedName("Société Générale S.A.")).toBe(normalisedName("societe generale"));
    expect(normalisedName("Initech, LLC")).toBe("initech");
    expect(normalisedName("Acme Widgets Ltd")).not.toBe(normalisedName("Acme Gadgets Ltd"));
  });

  it("a customer's domain is its website's host, else its email's domain", () => {
    expect(domainOf({ website: "https://www.hooli.com/about" })).toBe("hooli.com");
    expect(domainOf({ website: "hooli.com" })).toBe("hooli.com");
    expect(domainOf({ email: "Billing@Initech.COM" })).toBe("initech.com");
    expect(domainOf({ website: "http://[not a host", email: "ap@globex.com" })).toBe("globex.com");
    expect(domainOf({})).toBeUndefined();
  });

  it("amounts become integer minor units in their currency's own precision", () => {
    expect(minorUnits(1234.56, "USD")).toBe(123_456);
    expect(minorUnits(0.1 + 0.2, "EUR")).toBe(30);
    expect(minorUnits(1500, "JPY")).toBe(1500);
    expect(minorUnits(1.234, "KWD")).toBe(1234);
    expect(minorUnits(12.5, "XXQ")).toBe(1250); // an unknown code: two decimals
  });
});
