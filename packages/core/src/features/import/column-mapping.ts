import { z } from "zod";

export const importRecordTypes = ["contact", "company", "deal"] as const;
export type ImportRecordType = (typeof importRecordTypes)[number];

/**
 * How a cell becomes a value: `text` as written, `list` split on `;` or `,` (several columns may feed one list),
 * `code` upper-cased (countries, currencies), `amount` parsed into minor units of the row's currency.
 */
export type CellKind = "text" | "list" | "code" | "amount";

/** A field a column can be imported into, named by its path in the create input (`address.city`, `value.amount`). */
export type ImportField = { field: string; cell: CellKind; synonyms: readonly string[] };

const field = (name: string, cell: CellKind, ...synonyms: string[]): ImportField => ({ field: name, cell, synonyms });

// Ids are importable only from columns that say they hold ids: a "Company" or "Owner" column holds names, which
// would fail every row as a malformed id.
const ownerId = field("ownerId", "text", "owner id");
const companyId = field("companyId", "text", "company id");
const tags = field("tags", "list", "tag", "labels", "label", "keywords", "schlagworte", "étiquettes", "etiquetas");

/** Every importable field of each record type, with the header names (besides its own) that suggest it. */
export const importFields = {
  contact: [
    field(
      "firstName",
      "text",
      "first name",
      "first",
      "given name",
      "forename",
      "vorname",
      "prénom",
      "nombre",
      "voornaam",
    ),
    field(
      "lastName",
      "text",
      ...["last name", "last", "surname", "family name", "nachname", "familienname", "nom", "nom de famille"],
      ...["apellido", "apellidos", "achternaam", "cognome"],
    ),
    field(
      "emails",
      "list",
      ...["email", "e-mail", "email address", "e-mail address", "mail", "email addresses", "e-mail-adresse"],
      ...["courriel", "adresse e-mail", "adresse email", "correo", "correo electrónico"],
      ...["work email", "business email", "primary email", "personal email", "other email", "email 2", "email 3"],
    ),
    field(
      "phones",
      "list",
      ...["phone", "phone number", "telephone", "tel", "mobile", "mobile phone", "mobile number", "cell", "cellphone"],
      ...["cell phone", "work phone", "home phone", "business phone", "other phone", "phone 2", "phone 3"],
      ...["telefon", "telefonnummer", "handy", "mobil", "téléphone", "portable", "teléfono", "móvil", "telefoon"],
    ),
    field(
      "title",
      "text",
      ...["job title", "job", "position", "role", "job role", "designation", "berufsbezeichnung", "funktion"],
      ...["fonction", "poste", "cargo", "puesto", "functie"],
    ),
    companyId,
    ownerId,
    tags,
  ],
  company: [
    field(
      "name",
      "text",
      ...["company", "company name", "organisation", "organization", "organisation name", "organization name"],
      ...["account", "account name", "business", "business name", "firma", "firmenname", "unternehmen"],
      ...["société", "entreprise", "empresa", "bedrijf", "bedrijfsnaam"],
    ),
    field(
      "domain",
      "text",
      ...["website", "web site", "url", "web", "homepage", "home page", "site", "company domain", "domain name"],
      ...["website url", "webseite", "internetseite", "site web", "sitio web"],
    ),
    field("industry", "text", "sector", "branche", "secteur", "industrie", "sector industrial"),
    field("size", "text", "company size", "employees", "number of employees", "headcount", "mitarbeiter", "taille"),
    field(
      "address.street",
      "text",
      ...["street", "street address", "address", "address line 1", "strasse", "straße", "adresse", "rue"],
    ),
    field("address.city", "text", "city", "town", "stadt", "ort", "ville", "ciudad", "plaats"),
    field("address.region", "text", "region", "state", "county", "province", "bundesland", "provincia"),
    field(
      "address.postalCode",
      "text",
      ...["postal code", "postcode", "post code", "zip", "zip code", "zipcode", "plz", "postleitzahl", "code postal"],
      ...["código postal", "postcode"],
    ),
    field("address.country", "code", "country", "country code", "land", "pays", "país", "paese"),
    ownerId,
    tags,
  ],
  deal: [
    field(
      "title",
      "text",
      ...["deal", "deal name", "deal title", "name", "opportunity", "opportunity name", "subject"],
      ...["titel", "titre", "título", "auftrag"],
    ),
    field(
      "value.amount",
      "amount",
      ...["amount", "value", "deal value", "deal amount", "price", "total", "revenue", "betrag", "wert"],
      ...["montant", "valeur", "importe", "valor", "bedrag"],
    ),
    field("value.currency", "code", "currency", "currency code", "währung", "devise", "monnaie", "moneda", "valuta"),
    field("pipelineId", "text", "pipeline id"),
    field("stageId", "text", "stage id"),
    ownerId,
    field(
      "expectedCloseDate",
      "text",
      ...["expected close date", "close date", "closing date", "expected close", "expected closing date"],
    ),
    companyId,
    field("contactIds", "list", "contact ids", "contact id"),
    tags,
    field("lostReason", "text", "lost reason", "reason lost", "loss reason"),
  ],
} as const satisfies Record<ImportRecordType, readonly ImportField[]>;

/** The importable field paths of a record type, e.g. `emails` or `address.city`. */
export type ImportFieldName<T extends ImportRecordType = ImportRecordType> = (typeof importFields)[T][number]["field"];

/** Which field each CSV column goes into; `null` (or a column left out) ignores the column. */
export type ColumnMapping = Record<string, string | null>;

/** A suggested mapping for a file's columns, and the columns it could not place (which will be ignored). */
export type MappingSuggestion = { mapping: ColumnMapping; unmapped: string[] };

/** A header folded for comparison: case, accents, spacing and punctuation ignored (`E-mail Address` → `emailaddress`). */
export function normalisedHeader(header: string): string {
  return header
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/** Words that qualify a header without changing its field: `Primary Email`, `Contact Phone (optional)`. */
const qualifiers = /\b(?:primary|main|contact|optional|required|the|your|1)\b|\(.*?\)/gi;

/**
 * Suggests a field for each header: its own name first, then its synonyms, then the same without qualifiers. A
 * single-value field goes to the first column that names it; later ones, like any unknown column, stay unmapped.
 */
export function suggestMapping(
  recordType: ImportRecordType,
  headers: readonly string[],
  customFields: readonly MappableCustomField[] = [],
): MappingSuggestion {
  const fields: readonly ImportField[] = [...importFields[recordType], ...customFields.map(customImportField)];
  // rank 0: the field's own name; 1: a synonym; 2: a synonym once qualifiers are dropped.
  const byName = new Map<string, { field: ImportField; rank: number }>();
  const namesOf = [
    (candidate: ImportField) => [candidate.field, candidate.field.split(".").at(-1) ?? candidate.field],
    (candidate: ImportField) => candidate.synonyms,
  ];
  for (const [rank, names] of namesOf.entries()) {
    for (const candidate of fields) {
      for (const name of names(candidate)) {
        const key = normalisedHeader(name);
        if (!byName.has(key)) byName.set(key, { field: candidate, rank });
      }
    }
  }
  const matchOf = (header: string) => {
    const exact = byName.get(normalisedHeader(header));
    if (exact) return exact;
    const qualified = byName.get(normalisedHeader(header.replace(qualifiers, " ")));
    return qualified && { field: qualified.field, rank: 2 };
  };

  // Better matches claim a field first (a "Last Name" column takes `lastName` before a "Surname" one), then column order.
  const candidates = headers
    .map((header, order) => ({ header, order, match: matchOf(header) }))
    .sort((left, right) => (left.match?.rank ?? 3) - (right.match?.rank ?? 3) || left.order - right.order);
  const claimed = new Set<string>();
  const chosen = new Map<string, string>();
  for (const { header, match } of candidates) {
    if (match === undefined || chosen.has(header)) continue;
    if (match.field.cell !== "list" && claimed.has(match.field.field)) continue;
    claimed.add(match.field.field);
    chosen.set(header, match.field.field);
  }
  const mapping: ColumnMapping = Object.fromEntries(headers.map((header) => [header, chosen.get(header) ?? null]));
  return { mapping, unmapped: headers.filter((header) => !chosen.has(header)) };
}

/** What a mapping needs of a custom field (the record type's active, unarchived ones). */
export type MappableCustomField = { key: string; label: string; required: boolean };

/** A custom field as a mapping target, `customFields.<key>`, suggested for a header that is its key or its label. */
const customImportField = (definition: MappableCustomField): ImportField =>
  field(`customFields.${definition.key}`, "text", definition.label);

/** The fields a mapping must fill for any row to be valid, as alternatives: one of each group. */
const requiredFields: Record<ImportRecordType, readonly (readonly string[])[]> = {
  contact: [["firstName", "lastName", "emails"]],
  company: [["name"]],
  deal: [["title"], ["value.amount"]],
};

/**
 * The schema of a user-edited mapping, `{ [column]: field | null }`: every field must be importable for the record
 * type, a single-value field may take only one column (list fields may take several, joined in column order), the
 * required fields (built-in and custom) must be mapped, and, given the file's columns, every mapped column must be one of them. Issue
 * paths name the column (`["Given name"]`), or nothing for a missing required field.
 */
export function columnMappingSchema(
  recordType: ImportRecordType,
  columns?: readonly string[],
  customFields: readonly MappableCustomField[] = [],
) {
  const fields: readonly ImportField[] = [...importFields[recordType], ...customFields.map(customImportField)];
  const required = [
    ...requiredFields[recordType],
    ...customFields.filter((definition) => definition.required).map((definition) => [`customFields.${definition.key}`]),
  ];
  const names = fields.map((candidate) => candidate.field) as [string, ...string[]];
  const single = new Set(fields.filter((candidate) => candidate.cell !== "list").map((candidate) => candidate.field));
  const inFile = columns && new Set(columns);
  return z
    .record(
      z.string().min(1),
      z
        .enum(names, { error: () => `Must be one of the ${recordType} fields: ${names.join(", ")}; or null.` })
        .nullable(),
    )
    .superRefine((mapping, context) => {
      const firstColumnOf = new Map<string, string>();
      for (const [column, target] of Object.entries(mapping)) {
        if (inFile && !inFile.has(column)) {
          context.addIssue({ code: "custom", path: [column], message: `The file has no column named "${column}".` });
        }
        if (target === null) continue;
        const first = firstColumnOf.get(target);
        if (first !== undefined && single.has(target)) {
          context.addIssue({
            code: "custom",
            path: [column],
            message: `${target} is already mapped from the column "${first}"; map each field from one column.`,
          });
        }
        if (first === undefined) firstColumnOf.set(target, column);
      }
      for (const group of required) {
        if (group.some((required) => firstColumnOf.has(required))) continue;
        const what = group.length === 1 ? group[0] : `one of ${group.join(", ")}`;
        context.addIssue({
          code: "custom",
          path: [],
          message: `Map a column to ${what}: every ${recordType} needs it.`,
        });
      }
    });
}

/** The field descriptor of a field path of a record type, if it is importable. */
export function importFieldOf(recordType: ImportRecordType, name: string): ImportField | undefined {
  return (importFields[recordType] as readonly ImportField[]).find((candidate) => candidate.field === name);
}
