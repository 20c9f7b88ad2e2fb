import { randomUUID } from "node:crypto";
import { customFieldDefinitionsOf } from "../../capabilities/custom-fields/custom-field.service";
import type { CustomFieldDefinition } from "../../capabilities/custom-fields/custom-field.values";
import { objectStream } from "../../capabilities/storage/object-store";
import { UniqueValueEntity } from "../../capabilities/unique/unique-value.entity";
import { CompanyEntity } from "../../domain/company/company.entity";
import type { UpdateCompanyInput } from "../../domain/company/company.schema";
import { createCompany, updateCompany } from "../../domain/company/company.service";
import { ContactEntity } from "../../domain/contact/contact.entity";
import type { UpdateContactInput } from "../../domain/contact/contact.schema";
import { createContact, updateContact } from "../../domain/contact/contact.service";
import { DealEntity } from "../../domain/deal/deal.entity";
import { createDeal } from "../../domain/deal/deal.service";
import { changeSet } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { DomainError, NotFoundError, ValidationError } from "../../platform/errors";
import { derivedId } from "../../platform/ids";
import type { Actor, TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import { succeedsUnlessTaken } from "../../platform/transactions";
import { loadFile } from "../file/file.queries";
import { pushToMember } from "../realtime/realtime.service";
import type { ColumnMapping, ImportRecordType } from "./column-mapping";
import { type CsvHeader, CsvLimitExceededError, type CsvRow, csvRows, MalformedCsvError } from "./csv-rows";
import { customFieldTargetPrefix } from "./custom-field-cells";
import {
  chunkMilliseconds,
  chunkRows,
  type importStatuses,
  maxStoredRowErrors,
  reportRetentionSeconds,
  rowConcurrency,
} from "./import.constants";
import { ImportEntity, ImportRowErrorEntity, ImportSeenKeyEntity } from "./import.entity";
import { type ImportRunRequest, requestImportRun } from "./import.requests";
import { type ImportItem, leaseEndFrom, toImport } from "./import.service";
import { writeErrorReport } from "./import-report";
import { dedupeFields, dedupeKeyOf, type ImportInput, type RowIssue, rowToInput } from "./row-input";

/** What became of one row. */
type RowOutcome = { kind: "created" | "updated" | "skipped" } | { kind: "failed"; errors: RowIssue[] };

/** What one invocation of the runner did with the import it was asked for. */
export type ChunkOutcome = "ignored" | "held" | "lost-lease" | "continued" | "completed" | "failed";

type Counts = ImportItem["counts"];

const uniqueKinds = { contact: "contact-email", company: "company-domain" } as const;

/** The services' context for an import's writes: its starting member as the actor, the import as the request. */
function importContext(item: ImportItem): TenantContext {
  return {
    orgId: item.orgId,
    actor: item.actor as Actor,
    requestId: `import:${item.importId}`,
  };
}

/** The column a field path came from under the mapping (`body.address.city` → the column mapped to it). */
function columnOfPath(path: string, mapping: ColumnMapping): string | null {
  const field = path.replace(/^body\.?/, "");
  const found = Object.entries(mapping).find(
    ([, target]) => target !== null && (field === target || field.startsWith(`${target}.`)),
  );
  return found?.[0] ?? null;
}

/** A service's refusal of a row as row issues; anything else (an outage) is not the row's fault and is thrown. */
function rowIssuesOf(error: unknown, recordType: ImportRecordType, mapping: ColumnMapping): RowIssue[] {
  if (error instanceof ValidationError) {
    return error.issues.map((issue) => ({ ...issue, column: columnOfPath(issue.path, mapping) }));
  }
  if (error instanceof DomainError) {
    const dedupeField = dedupeFields[recordType];
    const path = error.code === "duplicate" && dedupeField ? `body.${dedupeField}` : "body";
    return [{ path, message: error.message, column: columnOfPath(path, mapping) }];
  }
  throw error;
}

/** The record a row's line makes, derived from the import and the line: a re-run of the line finds it. */
const ownIdOf = (item: ImportItem, line: number) =>
  derivedId(item.recordType as "contact" | "company" | "deal", item.importId, String(line));

async function ownRecordExists(item: ImportItem, id: string): Promise<boolean> {
  const { orgId } = item;
  switch (item.recordType) {
    case "contact":
      return Boolean((await ContactEntity.get({ orgId, contactId: id }).go({ consistent: true })).data);
    case "company":
      return Boolean((await CompanyEntity.get({ orgId, companyId: id }).go({ consistent: true })).data);
    case "deal":
      return Boolean((await DealEntity.get({ orgId, dealId: id }).go({ consistent: true })).data);
  }
}

/** The record that holds a dedupe key already, if any. */
async function holderOf(item: ImportItem, key: string): Promise<string | undefined> {
  const kind = uniqueKinds[item.recordType as keyof typeof uniqueKinds];
  if (!kind) return undefined;
  const { data } = await UniqueValueEntity.get({ orgId: item.orgId, kind, value: key }).go({ consistent: true });
  return data?.ownerId;
}

/**
 * Whether a dry run has seen the key on an earlier line (maybe in an earlier chunk): it writes no records, so it
 * keeps the keys it saw instead. The line seeing its own key again (a re-run after a crash) is not a duplicate.
 */
async function seenBefore(item: ImportItem, key: string, line: number): Promise<boolean> {
  const keys = { orgId: item.orgId, importId: item.importId, key };
  const { data } = await ImportSeenKeyEntity.get(keys).go({ consistent: true });
  if (data) return data.line !== line;
  const expiresAt = Math.floor(Date.now() / 1000) + reportRetentionSeconds;
  await ImportSeenKeyEntity.put({ ...keys, line, expiresAt }).go({ response: "none" });
  return false;
}

/** A row read and built: its input for the service (or why it cannot be one) and its dedupe key. */
type PreparedRow = {
  row: CsvRow;
  built: ReturnType<typeof rowToInput>;
  key: string | null;
};

function prepareRow(item: ImportItem, row: CsvRow, customFields: readonly CustomFieldDefinition[]): PreparedRow {
  const built = rowToInput(item.recordType, item.mapping as ColumnMapping, row.values, {
    ...(item.defaultCurrency ? { defaultCurrency: item.defaultCurrency } : {}),
    customFields,
  });
  return { row, built, key: built.ok ? dedupeKeyOf(item.recordType, built.input) : null };
}

/**
 * One row: built and validated as the API would, matched to an existing record by its dedupe key (or to the one
 * its own line made before a crash), then created, updated or skipped through the same services as the API.
 */
async function importRow(item: ImportItem, { row, built, key }: PreparedRow): Promise<RowOutcome> {
  const mapping = item.mapping as ColumnMapping;
  if (!built.ok) return { kind: "failed", errors: built.errors };
  const input = built.input;
  const ownId = ownIdOf(item, row.line);
  const holder = key === null ? undefined : await holderOf(item, key);

  if (item.dryRun) {
    const duplicate = holder !== undefined || (key !== null && (await seenBefore(item, key, row.line)));
    if (!duplicate) return { kind: "created" };
    return { kind: item.onDuplicate === "update" ? "updated" : "skipped" };
  }

  if (holder === ownId) return { kind: "created" }; // this line's own record, written before a crash
  const context = importContext(item);
  try {
    if (holder !== undefined) {
      if (item.onDuplicate === "skip") return { kind: "skipped" };
      if (item.recordType === "contact") {
        await updateContact(context, holder, input as UpdateContactInput);
      } else {
        await updateCompany(context, holder, input as UpdateCompanyInput);
      }
      return { kind: "updated" };
    }
    if (key === null && (await ownRecordExists(item, ownId))) return { kind: "created" };
    switch (item.recordType) {
      case "contact":
        await createContact(context, input as ImportInput["contact"], { contactId: ownId });
        break;
      case "company":
        await createCompany(context, input as ImportInput["company"], { companyId: ownId });
        break;
      case "deal":
        await createDeal(context, input as ImportInput["deal"], { dealId: ownId });
        break;
    }
    return { kind: "created" };
  } catch (error) {
    return { kind: "failed", errors: rowIssuesOf(error, item.recordType, mapping) };
  }
}

/**
 * Takes the import for one chunk, unless another runner holds it: the import as claimed (running, its start time
 * set on the first chunk), or undefined when someone else got there first.
 */
async function claim(item: ImportItem, leaseId: string): Promise<ImportItem | undefined> {
  const at = now();
  const claimed = {
    status: "running" as const,
    leaseId,
    leaseExpiresAt: leaseEndFrom(Date.parse(at)),
    version: item.version + 1,
    updatedAt: at,
    startedAt: item.startedAt ?? at,
  };
  const taken = await succeedsUnlessTaken(
    ImportEntity.patch({ orgId: item.orgId, importId: item.importId })
      .set(claimed)
      .where(({ version }, { eq }) => eq(version, item.version))
      .go({ response: "none" }),
  );
  return taken ? { ...item, ...claimed } : undefined;
}

export type ChunkOptions = { maxRows?: number; maxMilliseconds?: number };

/**
 * Runs one chunk of an import: takes its lease, reads the file as a stream from where the last chunk stopped (a
 * ranged GET from the stored byte offset), imports rows a few at a time until the chunk's row or time budget is spent, then saves the cursor and the counts (only while it still
 * holds the lease and nobody changed the import) and asks for the next chunk. A crash before the save leaves the
 * cursor where it was: the lease runs out, the sweep asks again, and the rows already written are found (by their
 * dedupe key or their line's own id) rather than written twice. Idempotent, as the bus delivers at least once.
 */
export async function runImportChunk(request: ImportRunRequest, options: ChunkOptions = {}): Promise<ChunkOutcome> {
  const { data: found } = await ImportEntity.get(request).go({ consistent: true });
  if (!found || found.status === "completed" || found.status === "failed") return "ignored";
  if (found.leaseId && Date.parse(found.leaseExpiresAt) > Date.now()) return "held";
  const leaseId: string = randomUUID();
  const item = await claim(found, leaseId);
  if (!item) return "held";

  const maxRows = options.maxRows ?? chunkRows;
  const maxMilliseconds = options.maxMilliseconds ?? chunkMilliseconds;
  const counts: Counts = { ...item.counts };
  const rowErrors: { line: number; errors: RowIssue[]; values: Record<string, string> }[] = [];
  let position = { cursorLine: item.cursorLine, resumeFrom: item.resumeFrom };
  let ended = true;
  let failure: ImportItem["failure"];

  // Rows go to the services a few at a time; two rows with the same dedupe key never share a batch, so the second
  // sees what the first did (an earlier row of the file is a duplicate, not a conflict).
  let batch: PreparedRow[] = [];
  const keysInBatch = new Set<string>();
  const runBatch = async () => {
    const running = batch;
    batch = [];
    keysInBatch.clear();
    const settled = await Promise.allSettled(running.map((prepared) => importRow(item, prepared)));
    const outage = settled.find((result) => result.status === "rejected");
    if (outage) throw outage.reason;
    for (const [index, result] of settled.entries()) {
      const { row } = running[index] as PreparedRow;
      const outcome = (result as PromiseFulfilledResult<RowOutcome>).value;
      counts.rows++;
      counts[outcome.kind]++;
      if (outcome.kind === "failed" && counts.failed <= maxStoredRowErrors) {
        rowErrors.push({ line: row.line, errors: outcome.errors, values: row.values });
      }
      position = { cursorLine: row.line, resumeFrom: row.next };
    }
  };

  try {
    const file = await loadFile(item.orgId, item.fileId);
    const resumeAt =
      item.resumeFrom && item.header
        ? { ...item.resumeFrom, header: item.header as CsvHeader, rows: item.counts.rows }
        : undefined;
    const source = await objectStream(file.objectKey, resumeAt?.byte);
    // Read once per chunk, and only for a mapping that fills custom fields.
    const customFields = Object.values(item.mapping as ColumnMapping).some((target) =>
      target?.startsWith(customFieldTargetPrefix),
    )
      ? await customFieldDefinitionsOf(item.orgId)
      : [];
    const startedAt = Date.now();
    let taken = 0;
    try {
      for await (const row of csvRows(source, resumeAt ? { resumeAt } : {})) {
        if (taken >= maxRows || Date.now() - startedAt > maxMilliseconds) {
          ended = false;
          break;
        }
        const prepared = prepareRow(item, row, customFields);
        if (prepared.key !== null && keysInBatch.has(prepared.key)) await runBatch();
        batch.push(prepared);
        if (prepared.key !== null) keysInBatch.add(prepared.key);
        taken++;
        if (batch.length >= rowConcurrency) await runBatch();
      }
    } finally {
      // The rows read before the file ended, broke off or turned out malformed are still the file's rows.
      if (batch.length > 0) await runBatch();
    }
  } catch (error) {
    if (error instanceof MalformedCsvError || error instanceof CsvLimitExceededError) {
      failure = { reason: error.name === "MalformedCsvError" ? "malformed-csv" : "too-large", message: error.message };
      failure.line = error.line;
    } else if (error instanceof NotFoundError) {
      failure = { reason: "file-gone", message: "The file was deleted before the import was done." };
    } else {
      throw error; // an outage: the lease runs out and the chunk runs again from the stored cursor
    }
  }

  if (rowErrors.length > 0) {
    const expiresAt = Math.floor(Date.now() / 1000) + reportRetentionSeconds;
    await ImportRowErrorEntity.put(
      rowErrors.map(({ line, errors, values }) => ({
        orgId: item.orgId,
        importId: item.importId,
        line,
        values,
        errors: errors.map(({ path, message, column }) => ({ path, message, ...(column ? { column } : {}) })),
        expiresAt,
      })),
    ).go();
  }

  const status: (typeof importStatuses)[number] = failure ? "failed" : ended ? "completed" : "running";
  // Written before the save: should the save lose to another runner, that one writes the same report again.
  const errorReportKey = status !== "running" && counts.failed > 0 ? await writeErrorReport(item) : undefined;
  const at = now();
  const saved: ImportItem = {
    ...item,
    status,
    ...position,
    counts,
    ...(failure ? { failure } : {}),
    ...(errorReportKey ? { errorReportKey } : {}),
    leaseExpiresAt: leaseEndFrom(Date.parse(at)),
    version: item.version + 1,
    updatedAt: at,
    ...(status === "running" ? {} : { completedAt: at }),
  };
  const outcome = await changeSet()
    .add(
      "import",
      inTransaction(ImportEntity)
        .patch({ orgId: item.orgId, importId: item.importId })
        .set({
          status,
          cursorLine: position.cursorLine,
          ...(position.resumeFrom ? { resumeFrom: position.resumeFrom } : {}),
          counts,
          ...(failure ? { failure } : {}),
          ...(errorReportKey ? { errorReportKey } : {}),
          leaseExpiresAt: saved.leaseExpiresAt,
          version: saved.version,
          updatedAt: at,
          ...(saved.completedAt ? { completedAt: saved.completedAt } : {}),
        })
        .remove(["leaseId"])
        .where(({ version, leaseId: held }, { eq }) => `${eq(version, item.version)} AND ${eq(held, leaseId)}`)
        .commit(),
    )
    .attempt();
  // The lease ran out meanwhile and another runner took the import over: its save is the one that counts.
  if (!outcome.committed) return "lost-lease";

  if (status === "running") await requestImportRun({ orgId: item.orgId, importId: item.importId });
  const { leaseId: _released, ...view } = saved;
  await pushToMember(item.orgId, item.actor.memberId, { type: "import.progress", import: await toImport(view) });
  return status === "running" ? "continued" : status;
}

/**
 * The sweep: every unfinished import whose lease ran out by `at` (its runner crashed or timed out, or a request was
 * lost) has the lease released and its next chunk asked for again, from the stored cursor. One query per status on
 * the sparse index of unfinished imports.
 */
export async function sweepImports(options: { at?: number } = {}): Promise<{ expired: number; restarted: number }> {
  const at = options.at ?? Date.now();
  const cutoff = new Date(at).toISOString();
  const expired: ImportItem[] = [];
  for (const status of ["queued", "running"] as const) {
    const { data } = await ImportEntity.query
      .unfinishedImports({ status })
      .lte({ leaseExpiresAt: cutoff })
      .go({ pages: "all" });
    expired.push(...data);
  }
  let restarted = 0;
  for (const item of expired) {
    const released = await succeedsUnlessTaken(
      ImportEntity.patch({ orgId: item.orgId, importId: item.importId })
        .set({ status: item.status, leaseExpiresAt: leaseEndFrom(at), version: item.version + 1, updatedAt: now() })
        .remove(["leaseId"])
        .where(({ version }, { eq }) => eq(version, item.version))
        .go({ response: "none" }),
    );
    if (!released) continue; // a runner moved it on meanwhile
    await requestImportRun({ orgId: item.orgId, importId: item.importId });
    restarted++;
  }
  return { expired: expired.length, restarted };
}
