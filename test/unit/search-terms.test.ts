import {
  foldSearchText,
  maxTermLength,
  maxTermsPerRecord,
  type SearchDocument,
  searchDocumentOfCompany,
  searchDocumentOfContact,
  searchTermActions,
} from "@crm/core/search";
import { describe, expect, it } from "vitest";

describe("folding search text", () => {
  it.each([
    ["Zoë", "zoe"],
    ["ZOË", "zoe"],
    ["Saldaña", "saldana"],
    ["İstanbul", "istanbul"],
    ["ﬁne", "fine"],
    ["Ｆｕｌｌ", "full"],
    ["Ada Lovelace", "adalovelace"],
    ["O'Brien-Smith", "obriensmith"],
    ["+44 (20) 7946-0958", "442079460958"],
    ["ada@Example.com", "adaexamplecom"],
    ["Ελένη", "ελενη"],
    ["@.-", ""],
  ])("folds %s to %s", (text, folded) => {
    expect(foldSearchText(text)).toBe(folded);
  });

  it("keeps at most 64 characters, without splitting a character", () => {
    expect(foldSearchText("a".repeat(100))).toHaveLength(maxTermLength);
    expect(Array.from(foldSearchText("𝒜".repeat(100)))).toHaveLength(maxTermLength);
  });
});

describe("a contact's search document", () => {
  it("is found by its names in both orders, each name word, emails, email domains and phone digits", () => {
    const document = searchDocumentOfContact({
      firstName: "Mary-Jane",
      lastName: "van Dyke",
      emails: ["mj@dyke.example"],
      phones: ["+1 555 0100"],
    });
    expect(document).toEqual({
      label: "Mary-Jane van Dyke",
      detail: "mj@dyke.example",
      terms: [
        "maryjanevandyke",
        "maryjane",
        "vandyke",
        "vandykemaryjane",
        "mary",
        "jane",
        "van",
        "dyke",
        "mjdykeexample",
        "dykeexample",
        "15550100",
      ],
    });
  });

  it("is labelled by its email when it has no name, with its phone as the detail", () => {
    expect(searchDocumentOfContact({ emails: ["ada@example.com"], phones: ["+44 20"] })).toMatchObject({
      label: "ada@example.com",
      detail: "+44 20",
    });
  });

  it("keeps at most 20 distinct terms, names first", () => {
    const document = searchDocumentOfContact({
      firstName: "Ada",
      lastName: "Lovelace",
      emails: Array.from({ length: 10 }, (_, index) => `ada${index}@host${index}.example`),
      phones: Array.from({ length: 10 }, (_, index) => `+44 20 7946 000${index}`),
    });
    expect(document.terms).toHaveLength(maxTermsPerRecord);
    expect(new Set(document.terms).size).toBe(maxTermsPerRecord);
    expect(document.terms.slice(0, 4)).toEqual(["adalovelace", "ada", "lovelace", "lovelaceada"]);
  });
});

describe("a company's search document", () => {
  it("is found by its name, each word of it and its domain, and shows the domain", () => {
    expect(searchDocumentOfCompany({ name: "Initech Software", domain: "initech.example" })).toEqual({
      label: "Initech Software",
      detail: "initech.example",
      terms: ["initechsoftware", "initech", "software", "initechexample"],
    });
  });
});

describe("the search-term actions of a write", () => {
  type Action = { Put?: { Item: { term: string; label: string } }; Delete?: { Key: { sk: string } } };
  /** What each transaction action does, read from the DynamoDB request it would send. */
  const describeAction = (action: Action) =>
    action.Put
      ? `put ${action.Put.Item.term} (${action.Put.Item.label})`
      : `delete ${/#term_([^#]*)/.exec(action.Delete?.Key.sk ?? "")?.[1]}`;
  const record = { recordType: "contact", recordId: "con_1" } as const;
  const actions = (before: SearchDocument | null, after: SearchDocument | null) =>
    (searchTermActions("org_1", record, before, after) as Action[]).map(describeAction);
  const aDocument = (terms: string[], label = "Ada"): SearchDocument => ({ label, detail: null, terms });

  it("puts every term of a new record", () => {
    expect(actions(null, aDocument(["ada", "lovelace"]))).toEqual(["put ada (Ada)", "put lovelace (Ada)"]);
  });

  it("puts only the new terms and deletes only the dropped ones when the display stays the same", () => {
    expect(actions(aDocument(["ada", "lovelace"]), aDocument(["ada", "byron"]))).toEqual([
      "put byron (Ada)",
      "delete lovelace",
    ]);
  });

  it("rewrites every remaining term when the display changes, and still never touches a term twice", () => {
    expect(actions(aDocument(["ada", "lovelace"], "Ada"), aDocument(["ada", "king"], "Ada King"))).toEqual([
      "put ada (Ada King)",
      "put king (Ada King)",
      "delete lovelace",
    ]);
  });

  it("does nothing when nothing search shows or matches changed", () => {
    expect(actions(aDocument(["ada"]), aDocument(["ada"]))).toEqual([]);
  });

  it("deletes every term of a deleted record", () => {
    expect(actions(aDocument(["ada", "lovelace"]), null)).toEqual(["delete ada", "delete lovelace"]);
  });
});
