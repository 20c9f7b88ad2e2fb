import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EntityItem } from "electrodb";
import type { z } from "zod";
import { assertCanWrite } from "../../capabilities/authorization/policy";
import { customFieldDefinitionsOf } from "../../capabilities/custom-fields/custom-field.service";
import { presignedDownload, putObjectFromFile } from "../../capabilities/storage/object-store";
import { downloadUrlSeconds, fileObjectPrefix } from "../../declarations/files";
import { listCompanies } from "../../domain/company/company.queries";
import { companySchema, listCompaniesQuery } from "../../domain/company/company.schema";
import { listContacts } from "../../domain/contact/contact.queries";
import { contactSchema, listContactsQuery } from "../../domain/contact/contact.schema";
import { listDeals } from "../../domain/deal/deal.queries";
import { dealSchema, listDealsQuery } from "../../domain/deal/deal.schema";
import { now } from "../../platform/clock";
import { NotFoundError, ValidationError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { ExportEntity, type ExportRecordType } from "./export.entity";
import { type ExportRunRequest, requestExportRun } from "./export.requests";
import type { CreateExportInput, ExportView } from "./export.schema";
import { columnsOf, exportContentTypes, writeExportFile } from "./export-format";

type Lister = {
  query: z.ZodType;
  schema: z.ZodObject;
  list: (context: TenantContext, query: never) => Promise<Page<unknown>>;
};

/** Each exportable list, through the list endpoint's own query schema and service, so filters mean the same. */
const lists: Record<ExportRecordType, Lister> = {
  contact: { query: listContactsQuery, schema: contactSchema, list: listContacts as Lister["list"] },
  company: { query: listCompaniesQuery, schema: companySchema, list: listCompanies as Lister["list"] },
  deal: { query: listDealsQuery, schema: dealSchema, list: listDeals as Lister["list"] },
};

const pageSize = 100;
const retentionSeconds = 7 * 86_400;

/** The filters as the list endpoint would parse them; their errors name `body.filters.<field>`. */
function parsedFilters(recordType: ExportRecordType, filters: Record<string, string>) {
  if ("limit" in filters || "cursor" in filters) {
    throw new ValidationError([
      { path: "body.filters", message: "An export reads the whole list: no limit or cursor." },
    ]);
  }
  const parsed = lists[recordType].query.safeParse({ ...filters, limit: String(pageSize) });
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({
        path: ["body", "filters", ...issue.path.map(String)].join("."),
        message: issue.message,
      })),
    );
  }
  return parsed.data as Record<string, unknown>;
}

/** Every page of the list, one query at a time. */
async function* pagesOf(context: TenantContext, recordType: ExportRecordType, query: Record<string, unknown>) {
  let cursor: string | undefined;
  do {
    const page = await lists[recordType].list(context, { ...query, ...(cursor ? { cursor } : {}) } as never);
    yield page.data as Record<string, unknown>[];
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

type ExportItem = EntityItem<typeof ExportEntity>;

async function toExport(item: ExportItem): Promise<ExportView> {
  const download =
    item.status === "completed"
      ? await presignedDownload(item.objectKey, {
          name: `${item.recordType}s-${item.createdAt.slice(0, 10)}.${item.format}`,
          contentType: exportContentTypes[item.format],
          expiresInSeconds: downloadUrlSeconds,
        })
      : undefined;
  return {
    id: item.exportId,
    recordType: item.recordType,
    format: item.format,
    filters: JSON.parse(item.filters) as Record<string, string>,
    status: item.status,
    ...(item.rows !== undefined ? { rows: item.rows } : {}),
    ...(item.bytes !== undefined ? { bytes: item.bytes } : {}),
    ...(item.failure ? { failure: item.failure } : {}),
    ...(download ? { download } : {}),
    createdAt: item.createdAt,
    ...(item.completedAt ? { completedAt: item.completedAt } : {}),
  };
}

/** Records an export as running; `runExport` writes it (in the background: see the export subscriber). */
export async function startExport(context: TenantContext, input: CreateExportInput): Promise<ExportView> {
  assertCanWrite(context.actor);
  parsedFilters(input.recordType, input.filters);
  const exportId = newId("export");
  const item = {
    orgId: context.orgId,
    exportId,
    recordType: input.recordType,
    format: input.format,
    filters: JSON.stringify(input.filters),
    status: "running" as const,
    objectKey: `${fileObjectPrefix}${context.orgId}/exports/${exportId}.${input.format}`,
    createdBy: context.actor.memberId,
    createdAt: now(),
    expiresAt: Math.floor(Date.now() / 1000) + retentionSeconds,
  };
  await ExportEntity.create(item).go();
  await requestExportRun({ orgId: context.orgId, exportId });
  return toExport(item);
}

/**
 * Writes the export: the list page by page into a temporary file (memory holds one page), then the file streamed
 * to the bucket, then the export marked completed with its row count. A failure is recorded and rethrown.
 */
/**
 * The CSV columns of a record type: its response schema's fields, with `customFields` as one column per custom field
 * of the type (archived ones too, as records answer their values), `customFields.<key>`.
 */
async function exportColumns(orgId: string, recordType: ExportRecordType): Promise<string[]> {
  const definitions = (await customFieldDefinitionsOf(orgId)).filter(
    (definition) => definition.recordType === recordType,
  );
  return columnsOf(lists[recordType].schema).flatMap((column) =>
    column === "customFields" ? definitions.map((definition) => `customFields.${definition.key}`) : [column],
  );
}

export async function runExport(request: ExportRunRequest): Promise<ExportView> {
  const { orgId, exportId } = request;
  const { data: item } = await ExportEntity.get({ orgId, exportId }).go({ consistent: true });
  if (!item) throw new NotFoundError("export", exportId);
  if (item.status !== "running") return toExport(item); // a redelivery of a finished export
  // The list is read as the member who asked for it would read it (lists are open to every member).
  const context: TenantContext = {
    orgId,
    requestId: `export:${exportId}`,
    actor: { userId: "system", email: "exports@system.invalid", memberId: item.createdBy, role: "viewer" },
  };
  const path = join(tmpdir(), `${exportId}.${item.format}`);
  try {
    const query = parsedFilters(item.recordType, JSON.parse(item.filters) as Record<string, string>);
    const columns = await exportColumns(orgId, item.recordType);
    const written = await writeExportFile(path, item.format, columns, pagesOf(context, item.recordType, query));
    await putObjectFromFile(item.objectKey, path, {
      contentType: exportContentTypes[item.format],
      bytes: written.bytes,
    });
    const completed = { status: "completed" as const, rows: written.rows, bytes: written.bytes, completedAt: now() };
    await ExportEntity.patch({ orgId: context.orgId, exportId }).set(completed).go();
    return toExport({ ...item, ...completed });
  } catch (error) {
    await ExportEntity.patch({ orgId: context.orgId, exportId })
      .set({ status: "failed", failure: error instanceof Error ? error.message : String(error), completedAt: now() })
      .go();
    throw error;
  } finally {
    await rm(path, { force: true });
  }
}

export async function getExport(context: TenantContext, exportId: string): Promise<ExportView> {
  const { data: item } = await ExportEntity.get({ orgId: context.orgId, exportId }).go({ consistent: true });
  if (!item) throw new NotFoundError("export", exportId);
  return toExport(item);
}
