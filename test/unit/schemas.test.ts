import { companyDomain } from "@crm/core/company";
import { createContactInput } from "@crm/core/contact";
import { sortKeyOf } from "@crm/core/platform";
import { describe, expect, it } from "vitest";

describe("company domains", () => {
  it.each([
    ["acme.com", "acme.com"],
    ["WWW.Acme.COM", "acme.com"],
    ["https://www.acme.co.uk/about?x=1", "acme.co.uk"],
    ["acme.com.", "acme.com"],
  ])("normalises %s to %s", (input, expected) => {
    expect(companyDomain.parse(input)).toBe(expected);
  });

  it.each(["acme", "http://", "-acme.com", "acme..com", "a b.com", "127.0.0.1"])("rejects %s", (input) => {
    expect(companyDomain.safeParse(input).success).toBe(false);
  });
});

describe("contact input", () => {
  it("lower-cases and de-duplicates emails and tags", () => {
    const parsed = createContactInput.parse({ emails: ["Ada@Example.com", "ada@example.com"], tags: ["VIP", "vip"] });
    expect(parsed.emails).toEqual(["ada@example.com"]);
    expect(parsed.tags).toEqual(["vip"]);
  });

  it("refuses unknown fields instead of dropping them", () => {
    const result = createContactInput.safeParse({ firstName: "Ada", orgId: "org_x" });
    expect(result.success).toBe(false);
  });

  it("needs a name or an email", () => {
    expect(createContactInput.safeParse({ title: "CEO" }).success).toBe(false);
  });
});

describe("sort keys", () => {
  it("fold case, accents and spacing so names sort as people expect", () => {
    expect(sortKeyOf("Ångström", "  Zoë ")).toBe("angstrom zoe");
  });

  it("put records without a name last", () => {
    expect(sortKeyOf(undefined, null)).toBe("~");
  });
});
