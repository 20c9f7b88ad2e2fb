import { foldSearchText } from "../search/search.service";
import type { MatchKeyKind } from "./duplicates.constants";

/** One value a record is matched on. */
export type MatchKey = { kind: MatchKeyKind; value: string };

/**
 * Most keys per record, most telling first: a record's write moves at most twice this many key items, which keeps
 * it far inside DynamoDB's 100 actions per transaction beside its search terms and links.
 */
export const maxMatchKeysPerRecord = 8;

/** Fewer digits than this are an extension or a typo, not a phone number two people could share by accident. */
const minPhoneDigits = 6;

/** Mail providers that ignore dots in the local part and know the domain under two names. */
const dotlessMailDomains: Record<string, string> = { "gmail.com": "gmail.com", "googlemail.com": "gmail.com" };

/**
 * An email as a mailbox, not as a string: lower-case, without a `+tag` (ada+news@ and ada@ reach one person), and
 * for Gmail without dots in the local part. Emails are already unique per organisation as written, so this is what
 * makes two contacts' emails match at all.
 */
export function normalisedEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 0) return email.trim().toLowerCase();
  let local = email.slice(0, at).trim().toLowerCase();
  let domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase();
  local = local.split("+")[0] || local;
  const dotless = dotlessMailDomains[domain];
  if (dotless) {
    domain = dotless;
    local = local.replaceAll(".", "");
  }
  return `${local}@${domain}`;
}

/** Legal-form words that say nothing about which company it is: "Initech Ltd" and "Initech" match. */
const legalForms = new Set([
  "inc",
  "ltd",
  "llc",
  "llp",
  "plc",
  "gmbh",
  "ag",
  "sa",
  "sas",
  "bv",
  "co",
  "corp",
  "limited",
]);

/** A company name folded as search folds it, without a trailing legal form. */
export function normalisedCompanyName(name: string): string {
  const words = name
    .normalize("NFKD")
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .map(foldSearchText)
    .filter(Boolean);
  while (words.length > 1 && legalForms.has(words[words.length - 1] ?? "")) words.pop();
  return words.join("");
}

/** Second-level labels under which registries sell names (`initech.co.uk`): the name is one label further in. */
const registrySecondLevels = new Set(["co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc"]);

/**
 * A domain as the site it belongs to: its registrable part, so `eu.initech.com` and `initech.com` match (domains
 * are already unique per organisation as written). Approximate: a two-letter country code under one of the common
 * second levels counts as a registry; there is no public-suffix list.
 */
export function normalisedDomain(domain: string): string {
  const labels = domain.trim().toLowerCase().replace(/\.$/, "").split(".").filter(Boolean);
  const tld = labels.at(-1) ?? "";
  const second = labels.at(-2) ?? "";
  const kept = tld.length === 2 && registrySecondLevels.has(second) ? 3 : 2;
  return labels.slice(-kept).join(".");
}

function distinct(keys: (MatchKey | null)[]): MatchKey[] {
  const seen = new Map<string, MatchKey>();
  for (const key of keys) if (key?.value && !seen.has(keyId(key))) seen.set(keyId(key), key);
  return [...seen.values()].slice(0, maxMatchKeysPerRecord);
}

/** One string per key, for comparing key lists. */
export const keyId = (key: MatchKey) => `${key.kind}:${key.value}`;

/**
 * A contact's keys: its full name at its primary company (both needed: a name alone is too common), each
 * normalised email and each phone's digits.
 */
export function matchKeysOfContact(contact: {
  firstName?: string | null;
  lastName?: string | null;
  emails: readonly string[];
  phones: readonly string[];
  companyId?: string | null;
}): MatchKey[] {
  const name = foldSearchText([contact.firstName, contact.lastName].filter(Boolean).join(" "));
  return distinct([
    contact.companyId && name ? { kind: "name", value: `${contact.companyId}:${name}` } : null,
    ...contact.emails.map((email) => ({ kind: "email" as const, value: normalisedEmail(email) })),
    ...contact.phones.map((phone) => {
      const digits = phone.replace(/\D/g, "");
      return digits.length >= minPhoneDigits ? { kind: "phone" as const, value: digits } : null;
    }),
  ]);
}

/** A company's keys: its domain and its name. */
export function matchKeysOfCompany(company: { name: string; domain?: string | null }): MatchKey[] {
  return distinct([
    company.domain ? { kind: "domain", value: normalisedDomain(company.domain) } : null,
    { kind: "name", value: normalisedCompanyName(company.name) },
  ]);
}
