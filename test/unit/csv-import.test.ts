import { createReadStream, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type CsvHeader,
  CsvLimitExceededError,
  type CsvReadOptions,
  type CsvRow,
  columnMappingSchema,
  csvRows,
  dedupeKeyOf,
  MalformedCsvError,
  minorUnitsOf,
  readCsvHeader,
  rowToInput,
  suggestMapping,
} from "@crm/core/import";
import { describe, expect, it } from "vitest";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** The fixture read in small chunks, so multi-byte characters and quoted newlines straddle chunk boundaries. */
const fixtureStream = (name: string, chunkBytes = 7) => createReadStream(fixture(name), { highWaterMark: chunkBytes });

/** Text (or bytes) as a source of chunks of the given size. */
async function* chunksOf(content: string | Uint8Array, chunkBytes = 5): AsyncGenerator<Uint8Array> {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  for (let start = 0; start < bytes.length; start += chunkBytes) yield bytes.subarray(start, start + chunkBytes);
}

async function readAll(source: AsyncIterable<Uint8Array | string>, options: CsvReadOptions = {}) {
  const rows: CsvRow[] = [];
  let header: CsvHeader | undefined;
  for await (const row of csvRows(source, { ...options, onHeader: (read) => (header = read) })) rows.push(row);
  return { header, rows };
}

async function failureOf(source: AsyncIterable<Uint8Array | string>, options: CsvReadOptions = {}) {
  try {
    await readAll(source, options);
  } catch (error) {
    return error;
  }
  throw new Error("expected reading the CSV to fail");
}

const contactsFixture = () => readAll(fixtureStream("contacts.csv"));
const rowOf = (rows: CsvRow[], firstName: string, lastName: string) => {
  const row = rows.find(({ values }) => values["First Name"] === firstName && values["Last Name"] === lastName);
  if (!row) throw new Error(`no row for ${firstName} ${lastName} in the fixture`);
  return row;
};

describe("reading CSV rows", () => {
  it("reads the contacts fixture by header: BOM dropped, accents kept, quoted commas and newlines, empty row skipped", async () => {
    // Act
    const { header, rows } = await contactsFixture();

    // Assess
    expect(header?.columns).toEqual([
      "First Name",
      "Last Name",
      "E-mail Address",
      "Phone",
      "Job title",
      "Company",
      "Tags",
      "Favourite colour",
    ]);
    expect(header?.delimiter).toBe(",");
    expect(rows).toHaveLength(39); // 40 data lines, one of them a row of empty cells
    expect(rows[0]).toMatchObject({
      line: 2,
      values: {
        "First Name": "Zoë",
        "Last Name": "Martin",
        "E-mail Address": "zoe.martin@example.com",
        Phone: "+44 20 7946 0011",
        "Job title": "Head of Operations",
        Company: "Brightwater Ltd",
        Tags: "customer",
        "Favourite colour": "green",
      },
    });
    expect(rows.map(({ values }) => values["First Name"])).toEqual(
      expect.arrayContaining(["José", "Łukasz", "Søren", "Siobhán", "Thành", "Ayşe"]),
    );
    expect(rowOf(rows, "Amélie", "Dubois").values["Job title"]).toBe("Head of Sales, EMEA");
    const jurgen = rowOf(rows, "Jürgen", "Müller");
    expect(jurgen.values.Company).toBe("Müller & Söhne\nGmbH");
    // The quoted newline makes Jürgen's row two lines long, so the next row starts two lines further on.
    expect(rowOf(rows, "Noémie", "Roux").line).toBe(jurgen.line + 2);
    expect(rows.some(({ values }) => Object.values(values).every((value) => value === ""))).toBe(false);
  });

  it("gives the same rows whether the file arrives in one chunk or byte by byte", async () => {
    const whole = await readAll(fixtureStream("contacts.csv", 1 << 20));
    const byteByByte = await readAll(fixtureStream("contacts.csv", 1));
    expect(byteByByte.rows).toEqual(whole.rows);
  });

  it("detects a semicolon or tab delimiter from the header line, ignoring commas inside values", async () => {
    // Prepare
    const semicolons = "Name;Amount;Note\nAcme;1.234,56;big, important\n";
    const tabs = "Name\tAmount\nAcme\t1,234.56\n";

    // Act
    const [fromSemicolons, fromTabs] = await Promise.all([readAll(chunksOf(semicolons)), readAll(chunksOf(tabs))]);

    // Assess
    expect(fromSemicolons.header?.delimiter).toBe(";");
    expect(fromSemicolons.rows[0]?.values).toEqual({ Name: "Acme", Amount: "1.234,56", Note: "big, important" });
    expect(fromTabs.header?.delimiter).toBe("\t");
    expect(fromTabs.rows[0]?.values).toEqual({ Name: "Acme", Amount: "1,234.56" });
  });

  it("does not count delimiters inside a quoted header cell", async () => {
    const { header } = await readAll(chunksOf('"Name; full";"Amount, EUR";Note\nAcme;5;x\n'));
    expect(header?.delimiter).toBe(";");
    expect(header?.columns).toEqual(["Name; full", "Amount, EUR", "Note"]);
  });

  it("trims values, reads missing trailing cells as empty and skips blank lines", async () => {
    const { rows } = await readAll(chunksOf('a,b,c\n  1 , " 2 " \n\n   \n3,4,5\n'));
    expect(rows).toEqual([
      { line: 2, values: { a: "1", b: "2", c: "" }, next: { byte: 19, line: 3 } },
      { line: 5, values: { a: "3", b: "4", c: "5" }, next: { byte: 30, line: 6 } },
    ]);
  });

  it("resumes after any row of the fixture from its byte offset, reading on exactly as an unbroken read does", async () => {
    // Prepare: the fixture has a BOM, multi-byte letters, a quoted newline and an empty row.
    const bytes = readFileSync(fixture("contacts.csv"));
    const { header, rows } = await readAll(chunksOf(bytes, 64));
    if (!header) throw new Error("the fixture has a header");

    for (const [index, row] of rows.entries()) {
      // Act: a ranged read of the rest of the file, from where the row said the file goes on
      const rest = await readAll(chunksOf(bytes.subarray(row.next.byte), 7), {
        resumeAt: { ...row.next, header, rows: index + 1 },
      });

      // Assess
      expect(rest.rows).toEqual(rows.slice(index + 1));
    }
  });

  it("resumes a file with Windows line breaks at the start of the next row", async () => {
    const text = 'Name,Note\r\nAda,"two\r\nlines"\r\nAlan,x\r\n';
    const { header, rows } = await readAll(chunksOf(text));
    const [first, ...others] = rows;
    if (!header || !first) throw new Error("expected a header and rows");
    expect(first.next.byte).toBe(text.indexOf("Alan"));
    const rest = await readAll(chunksOf(text.slice(first.next.byte)), { resumeAt: { ...first.next, header, rows: 1 } });
    expect(rest.rows).toEqual(others);
    expect(rest.rows.at(-1)?.next.byte).toBe(text.length);
  });

  it("counts rows, bytes and lines on from the resume point, for its limits and its errors", async () => {
    const header = { line: 1, delimiter: "," as const, columns: ["Name"], renamed: [] };
    const resumeAt = { byte: 100, line: 10, rows: 2, header };
    expect(await failureOf(chunksOf("C\n"), { resumeAt, maxRows: 2 })).toMatchObject({ limit: "rows", line: 10 });
    expect(await failureOf(chunksOf("C\n"), { resumeAt, maxBytes: 101 })).toMatchObject({ limit: "bytes" });
    expect(await failureOf(chunksOf('C\n"D\n'), { resumeAt })).toMatchObject({ reason: "unclosed-quote", line: 11 });
  });

  it("makes empty and duplicate header names unique and reports each renamed one", async () => {
    const { header, rows } = await readAll(chunksOf("Email,,Email,Column 2\na@example.com,x,b@example.com,y\n"));
    expect(header?.columns).toEqual(["Email", "Column 2 (2)", "Email (2)", "Column 2"]);
    expect(header?.renamed).toEqual([
      { column: 2, original: "", name: "Column 2 (2)", reason: "empty" },
      { column: 3, original: "Email", name: "Email (2)", reason: "duplicate" },
    ]);
    expect(rows[0]?.values).toEqual({
      Email: "a@example.com",
      "Column 2 (2)": "x",
      "Email (2)": "b@example.com",
      "Column 2": "y",
    });
  });

  it("reads only the header when asked for it, and stops reading the source", async () => {
    // Prepare
    let chunksRead = 0;
    let closed = false;
    async function* endless() {
      try {
        yield "First Name,E-mail\n";
        for (;;) {
          chunksRead += 1;
          yield "Ada,ada@example.com\n";
        }
      } finally {
        closed = true;
      }
    }

    // Act
    const header = await readCsvHeader(endless());

    // Assess
    expect(header.columns).toEqual(["First Name", "E-mail"]);
    expect(closed).toBe(true);
    expect(chunksRead).toBeLessThan(10_000); // what fits in the streams' buffers (64 KiB each), not the source
  });

  it("keeps memory flat: rows are read as they are consumed, never all at once", async () => {
    // Prepare: a source far larger than anything that could be buffered, counting what has been pulled from it.
    let rowsProduced = 0;
    let closed = false;
    async function* millionsOfRows() {
      try {
        yield "Name,Email\n";
        for (; rowsProduced < 10_000_000; rowsProduced++) yield `Person ${rowsProduced},p${rowsProduced}@example.com\n`;
      } finally {
        closed = true;
      }
    }

    // Act: consume 100 rows, then stop.
    let consumed = 0;
    for await (const _row of csvRows(millionsOfRows(), { maxRows: Number.POSITIVE_INFINITY })) {
      consumed += 1;
      if (consumed === 100) break;
    }

    // Assess: only what fits in the streams' buffers (64 KiB each) was read ahead, and stopping closed the source.
    expect(rowsProduced).toBeLessThan(10_000);
    expect(closed).toBe(true);
  });

  it("refuses a quoted field that is never closed, naming the line it starts on", async () => {
    const error = await failureOf(chunksOf('Name,Note\nAda,fine\nGrace,"never closed\nmore text\n'));
    expect(error).toBeInstanceOf(MalformedCsvError);
    expect(error).toMatchObject({ line: 3, reason: "unclosed-quote" });
    expect((error as Error).message).toMatch(/^Line 3: /);
  });

  it("refuses text after a closing quote with its line", async () => {
    const error = await failureOf(chunksOf('Name,Note\nAda,fine\n\nGrace,"quoted"unquoted\n'));
    expect(error).toMatchObject({ name: "MalformedCsvError", line: 4, reason: "invalid-quote" });
  });

  it("refuses a row with more (non-empty) fields than the header, naming its line", async () => {
    const error = await failureOf(chunksOf("Name,Note\nAda,fine,\nGrace,one,two\n"));
    expect(error).toMatchObject({ name: "MalformedCsvError", line: 3, reason: "too-many-fields" });
  });

  it("refuses a file that is not UTF-8, naming the line of the first foreign byte", async () => {
    const latin1 = Uint8Array.from([...new TextEncoder().encode("Name\nAda\nJos"), 0xe9, 0x0a]); // "José" in Latin-1
    const error = await failureOf(chunksOf(latin1));
    expect(error).toMatchObject({ name: "MalformedCsvError", line: 3, reason: "not-utf8" });
  });

  it("refuses an empty file: it has no header", async () => {
    const error = await failureOf(chunksOf("\n\n"));
    expect(error).toMatchObject({ name: "MalformedCsvError", reason: "no-header" });
  });

  it("stops at the row limit and at the byte limit with a typed error", async () => {
    const rowsError = await failureOf(chunksOf("Name\nA\nB\nC\n"), { maxRows: 2 });
    expect(rowsError).toBeInstanceOf(CsvLimitExceededError);
    expect(rowsError).toMatchObject({ limit: "rows", max: 2, line: 4 });

    const bytesError = await failureOf(chunksOf(`Name\n${"A\n".repeat(100)}`), { maxBytes: 50 });
    expect(bytesError).toMatchObject({ name: "CsvLimitExceededError", limit: "bytes", max: 50 });
  });

  it("hands on every row before a problem, however the problem is found, and then fails with its line", async () => {
    // Prepare: 25 good rows on lines 2–26, the problem on line 27, good rows after it
    const before = `Name,Email\n${Array.from({ length: 25 }, (_, index) => `R${index},r${index}@example.com\n`).join("")}`;
    const after = "Later,later@example.com\n".repeat(5);
    const encoder = new TextEncoder();
    const files = {
      "unclosed-quote": encoder.encode(`${before}"Unclosed,x@example.com\n${after}`),
      "not-utf8": new Uint8Array([...encoder.encode(before), 0x4a, 0xfc, 0x72, 0x0a, ...encoder.encode(after)]),
    };

    for (const [reason, bytes] of Object.entries(files)) {
      for (const chunkBytes of [7, 1 << 20]) {
        // Act
        const rows: CsvRow[] = [];
        const failure = await (async () => {
          try {
            for await (const row of csvRows(chunksOf(bytes, chunkBytes))) rows.push(row);
          } catch (error) {
            return error;
          }
        })();

        // Assess
        expect(failure, `${reason} in chunks of ${chunkBytes}`).toMatchObject({ reason, line: 27 });
        expect(
          rows.map(({ line }) => line),
          `${reason} in chunks of ${chunkBytes}`,
        ).toEqual(Array.from({ length: 25 }, (_, index) => index + 2));
      }
    }
  });

  it("ends at a line boundary when the file passes the byte limit: no row is cut short", async () => {
    const text = `Name,Note\n${"Ada,a fairly long note\n".repeat(10)}`;
    const rows: CsvRow[] = [];
    const failure = await (async () => {
      try {
        for await (const row of csvRows(chunksOf(text, 30), { maxBytes: 100 })) rows.push(row);
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toMatchObject({ name: "CsvLimitExceededError", limit: "bytes" });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every(({ values }) => values.Note === "a fairly long note")).toBe(true);
  });

  it("passes the source's own errors through unchanged", async () => {
    const outage = new Error("connection reset");
    async function* failing() {
      yield "Name\nAda\n";
      throw outage;
    }
    expect(await failureOf(failing())).toBe(outage);
  });
});

describe("suggesting a column mapping", () => {
  it("maps the contacts fixture's headers and reports the columns it will ignore", async () => {
    const { header } = await contactsFixture();
    const suggestion = suggestMapping("contact", header?.columns ?? []);
    expect(suggestion.mapping).toEqual({
      "First Name": "firstName",
      "Last Name": "lastName",
      "E-mail Address": "emails",
      Phone: "phones",
      "Job title": "title",
      Company: null, // company names are not ids; linking by name is the job's to decide
      Tags: "tags",
      "Favourite colour": null,
    });
    expect(suggestion.unmapped).toEqual(["Company", "Favourite colour"]);
  });

  it("knows common spellings and other languages' names of a field", () => {
    const { mapping } = suggestMapping("contact", ["Given name", "Nom", "Email Address", "Mobile", "Position"]);
    expect(mapping).toEqual({
      "Given name": "firstName",
      Nom: "lastName",
      "Email Address": "emails",
      Mobile: "phones",
      Position: "title",
    });
    expect(suggestMapping("contact", ["Vorname", "Nachname", "E-Mail", "Telefon"]).mapping).toEqual({
      Vorname: "firstName",
      Nachname: "lastName",
      "E-Mail": "emails",
      Telefon: "phones",
    });
    expect(suggestMapping("contact", ["Primary E-mail", "Work Phone (optional)"]).mapping).toEqual({
      "Primary E-mail": "emails",
      "Work Phone (optional)": "phones",
    });
  });

  it("maps a company's Website to its domain and Organisation to its name", async () => {
    const { header } = await readAll(fixtureStream("companies.csv"));
    expect(suggestMapping("company", header?.columns ?? []).mapping).toEqual({
      Company: "name",
      Website: "domain",
      Industry: "industry",
      Employees: "size",
      City: "address.city",
      Country: "address.country",
      Tags: "tags",
    });
    expect(suggestMapping("company", ["Organisation", "Web site", "Postcode"]).mapping).toEqual({
      Organisation: "name",
      "Web site": "domain",
      Postcode: "address.postalCode",
    });
  });

  it("maps a deal's Amount, Value or Price, and gives a single-value field to the first column naming it", () => {
    expect(suggestMapping("deal", ["Deal name", "Amount", "Currency"]).mapping).toEqual({
      "Deal name": "title",
      Amount: "value.amount",
      Currency: "value.currency",
    });
    expect(suggestMapping("deal", ["Title", "Value"]).mapping).toEqual({ Title: "title", Value: "value.amount" });
    const suggestion = suggestMapping("deal", ["Title", "Price", "Value"]);
    expect(suggestion.mapping).toEqual({ Title: "title", Price: "value.amount", Value: null });
    expect(suggestion.unmapped).toEqual(["Value"]);
  });

  it("lets several columns feed a list field such as emails", () => {
    expect(suggestMapping("contact", ["Email", "Work Email", "Phone", "Mobile"]).mapping).toEqual({
      Email: "emails",
      "Work Email": "emails",
      Phone: "phones",
      Mobile: "phones",
    });
  });
});

describe("validating an edited column mapping", () => {
  it("refuses a single-value field mapped from two columns, with the second column as the path", () => {
    const result = columnMappingSchema("contact").safeParse({ "First Name": "firstName", "Given name": "firstName" });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ["Given name"], message: expect.stringContaining('"First Name"') }),
    ]);
  });

  it("accepts two columns for one list field and null for an ignored column", () => {
    const mapping = { Email: "emails", "Work Email": "emails", "Favourite colour": null, "Last Name": "lastName" };
    expect(columnMappingSchema("contact").safeParse(mapping).success).toBe(true);
  });

  it("refuses a field the record type does not have, a column the file lacks and a missing required field", () => {
    const unknownField = columnMappingSchema("contact").safeParse({ Email: "emails", Colour: "favouriteColour" });
    expect(unknownField.error?.issues.map(({ path }) => path)).toEqual([["Colour"]]);

    const missingColumn = columnMappingSchema("contact", ["Email"]).safeParse({ Email: "emails", Mail: "emails" });
    expect(missingColumn.error?.issues).toEqual([expect.objectContaining({ path: ["Mail"] })]);

    const noName = columnMappingSchema("company").safeParse({ Website: "domain" });
    expect(noName.error?.issues).toEqual([
      expect.objectContaining({ path: [], message: expect.stringMatching(/name/) }),
    ]);
  });
});

describe("turning a row into a create input", () => {
  const contactMapping = suggestMapping("contact", [
    "First Name",
    "Last Name",
    "E-mail Address",
    "Phone",
    "Job title",
    "Company",
    "Tags",
    "Favourite colour",
  ]).mapping;

  it("builds the API's create input, splitting multi-value cells and ignoring unmapped columns", async () => {
    const { rows } = await contactsFixture();
    const mia = rowToInput("contact", contactMapping, rowOf(rows, "Mia", "Jones").values);
    expect(mia).toEqual({
      ok: true,
      input: {
        firstName: "Mia",
        lastName: "Jones",
        emails: ["mia.jones@example.com", "mia@example.org"],
        phones: ["+1 555 0104", "+1 555 0105"],
        title: "COO",
        tags: ["customer"],
      },
    });
    const jose = rowToInput("contact", contactMapping, rowOf(rows, "José", "García").values);
    expect(jose.ok && jose.input.tags).toEqual(["customer", "vip"]);
  });

  it("reports a bad email with the API's field path and the CSV column it came from", async () => {
    const { rows } = await contactsFixture();
    const liam = rowToInput("contact", contactMapping, rowOf(rows, "Liam", "Johnson").values);
    expect(liam).toEqual({
      ok: false,
      errors: [{ path: "body.emails.0", column: "E-mail Address", message: expect.any(String) }],
    });
  });

  it("names the column of the second value of a multi-value cell", () => {
    const result = rowToInput("contact", contactMapping, {
      "First Name": "Ada",
      "E-mail Address": "ada@example.com; not-an-email",
      Phone: "+44 20 7946 0000, call me",
    });
    expect(result.ok ? [] : result.errors.map(({ path, column }) => ({ path, column }))).toEqual([
      { path: "body.emails.1", column: "E-mail Address" },
      { path: "body.phones.1", column: "Phone" },
    ]);
  });

  it("reports a row too empty to be a contact at `body`, as the API does, with no column", () => {
    expect(rowToInput("contact", contactMapping, { "Favourite colour": "red" })).toEqual({
      ok: false,
      errors: [{ path: "body", column: null, message: "A contact needs a first name, a last name or an email." }],
    });
  });

  it("finds the fixture's four bad rows among its 39", async () => {
    const { rows } = await contactsFixture();
    const failing = rows.filter(({ values }) => !rowToInput("contact", contactMapping, values).ok);
    expect(failing.map(({ values }) => `${values["First Name"]} ${values["Last Name"]}`)).toEqual([
      "Liam Johnson",
      "Noah Williams",
      "Grace Taylor",
      "Kenji Sato",
    ]);
  });

  it("gives the two case-different duplicates of the fixture the same dedupe key", async () => {
    const { rows } = await contactsFixture();
    const keyOf = (firstName: string, lastName: string) => {
      const result = rowToInput("contact", contactMapping, rowOf(rows, firstName, lastName).values);
      if (!result.ok) throw new Error(`${firstName} ${lastName} should be valid`);
      return dedupeKeyOf("contact", result.input);
    };
    expect(keyOf("Zoë", "Martin")).toBe("zoe.martin@example.com");
    expect(keyOf("Zoe", "Martin")).toBe(keyOf("Zoë", "Martin"));
    const emilys = rows.filter(({ values }) => values["First Name"] === "Emily");
    const emilyKeys = emilys.map(({ values }) => {
      const result = rowToInput("contact", contactMapping, values);
      return result.ok ? dedupeKeyOf("contact", result.input) : null;
    });
    expect(emilyKeys).toEqual(["emily.clark@example.com", "emily.clark@example.com"]);
    expect(keyOf("Pierre", "Lambert")).toBeNull(); // no email: always created
  });

  it("gives companies their domain from a website as dedupe key, so the fixture's duplicates match", async () => {
    const { header, rows } = await readAll(fixtureStream("companies.csv"));
    const { mapping } = suggestMapping("company", header?.columns ?? []);
    const results = rows.map(({ values }) => ({
      name: values.Company,
      result: rowToInput("company", mapping, values),
    }));
    const keys = results.map(({ name, result }) => [name, result.ok ? dedupeKeyOf("company", result.input) : null]);
    expect(Object.fromEntries(keys)).toMatchObject({
      "Brightwater Ltd": "brightwater.example.com",
      "Brightwater Limited": "brightwater.example.com",
      "Harbour & Co": "harbour.example.com",
      "Harbour and Company": "harbour.example.com",
      "Studio Rossi": "studiorossi.example.it",
      "Gulf Ventures": null,
    });
    const failures = results.flatMap(({ name, result }) => (result.ok ? [] : [{ name, errors: result.errors }]));
    expect(failures).toEqual([
      { name: "Reykjavík Design", errors: [expect.objectContaining({ path: "body.domain", column: "Website" })] },
      { name: "Fontaine Québec", errors: [expect.objectContaining({ path: "body.size", column: "Employees" })] },
    ]);
    const northernMills = results.find(({ name }) => name === "Northern Mills plc")?.result;
    expect(northernMills?.ok && northernMills.input.address).toEqual({ city: "Manchester", country: "GB" });
  });

  it("has no dedupe key for deals", () => {
    expect(dedupeKeyOf("deal", { title: "Renewal", value: { amount: 100, currency: "EUR" } })).toBeNull();
  });
});

describe("reading amounts", () => {
  it("reads both decimal styles into minor units", () => {
    expect(minorUnitsOf("1,234.56", "EUR")).toEqual({ ok: true, value: 123456 });
    expect(minorUnitsOf("1.234,56", "EUR")).toEqual({ ok: true, value: 123456 });
    expect(minorUnitsOf("1 234,56 €", "EUR")).toEqual({ ok: true, value: 123456 });
    expect(minorUnitsOf("$1,234,567.8", "USD")).toEqual({ ok: true, value: 123456780 });
    expect(minorUnitsOf("1.234.567", "EUR")).toEqual({ ok: true, value: 123456700 });
    expect(minorUnitsOf("12,5", "EUR")).toEqual({ ok: true, value: 1250 });
    expect(minorUnitsOf("1,234", "USD")).toEqual({ ok: true, value: 123400 }); // three digits after: thousands
  });

  it("uses the currency's own minor units and refuses more decimals than it has", () => {
    expect(minorUnitsOf("1,234", "JPY")).toEqual({ ok: true, value: 1234 });
    expect(minorUnitsOf("1.234", "KWD")).toEqual({ ok: true, value: 1234 }); // KWD has three decimals
    expect(minorUnitsOf("12.345", "JPY")).toEqual({ ok: true, value: 12345 });
    expect(minorUnitsOf("12.5", "JPY")).toMatchObject({ ok: false });
    expect(minorUnitsOf("12.555", "EUR")).toEqual({ ok: true, value: 1255500 });
    expect(minorUnitsOf("12.5555", "EUR")).toMatchObject({ ok: false });
  });

  it("refuses what is not an amount", () => {
    for (const text of ["abc", "1.2.3", "12,34,5", "--5"])
      expect(minorUnitsOf(text, "EUR")).toMatchObject({ ok: false });
  });

  it("builds a deal's value from the amount and currency columns, or the default currency", () => {
    const mapping = suggestMapping("deal", ["Deal name", "Amount", "Currency"]).mapping;
    expect(rowToInput("deal", mapping, { "Deal name": "Renewal", Amount: "1.234,56", Currency: "eur" })).toEqual({
      ok: true,
      input: { title: "Renewal", value: { amount: 123456, currency: "EUR" } },
    });
    expect(
      rowToInput("deal", mapping, { "Deal name": "Renewal", Amount: "1,234.56" }, { defaultCurrency: "GBP" }),
    ).toEqual({
      ok: true,
      input: { title: "Renewal", value: { amount: 123456, currency: "GBP" } },
    });
  });

  it("reports an unreadable amount, a missing currency and a negative amount at the value's paths", () => {
    const mapping = suggestMapping("deal", ["Deal name", "Amount", "Currency"]).mapping;
    expect(rowToInput("deal", mapping, { "Deal name": "Renewal", Amount: "lots", Currency: "EUR" })).toEqual({
      ok: false,
      errors: [{ path: "body.value.amount", column: "Amount", message: expect.stringMatching(/amount/) }],
    });
    expect(rowToInput("deal", mapping, { "Deal name": "Renewal", Amount: "100" })).toEqual({
      ok: false,
      errors: [{ path: "body.value.currency", column: "Currency", message: expect.stringMatching(/currency/) }],
    });
    expect(rowToInput("deal", mapping, { "Deal name": "Renewal", Amount: "-5", Currency: "EUR" })).toEqual({
      ok: false,
      errors: [expect.objectContaining({ path: "body.value.amount", column: "Amount" })],
    });
    expect(rowToInput("deal", mapping, { "Deal name": "Renewal", Currency: "EUR" })).toEqual({
      ok: false,
      errors: [expect.objectContaining({ path: "body.value.amount", column: "Amount" })],
    });
  });
});
