import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { stringify } from "csv-stringify";
import { z } from "zod";

/** How an export is written: CSV (one column per field, dotted for nested ones) or NDJSON (one record per line). */
export const exportFormats = ["csv", "ndjson"] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const exportContentTypes: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  ndjson: "application/x-ndjson",
};

const unwrap = (schema: z.ZodType): z.ZodType => {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
    current = (current as z.ZodOptional<z.ZodType>).unwrap() as z.ZodType;
  }
  return current;
};

/** The CSV columns of a record schema: its fields in order, nested objects as `address.city`. */
export function columnsOf(schema: z.ZodObject, prefix = ""): string[] {
  return Object.entries(schema.shape).flatMap(([name, field]) => {
    const inner = unwrap(field as z.ZodType);
    return inner instanceof z.ZodObject ? columnsOf(inner, `${prefix}${name}.`) : [`${prefix}${name}`];
  });
}

/** One record as CSV cells: lists joined with `; ` (as the import reads them), nothing for null. */
export function cellsOf(record: Record<string, unknown>, columns: string[]): string[] {
  return columns.map((column) => {
    const value = column
      .split(".")
      .reduce<unknown>((at, part) => (at as Record<string, unknown> | null)?.[part], record);
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.map(String).join("; ");
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}

/**
 * Writes records to a file as they come, a page at a time, so an export of any size holds one page in memory;
 * the file is then streamed to S3. Answers the number of records written and the file's size.
 */
export async function writeExportFile(
  path: string,
  format: ExportFormat,
  columns: string[],
  pages: AsyncIterable<Record<string, unknown>[]>,
): Promise<{ rows: number; bytes: number }> {
  const file = createWriteStream(path);
  let rows = 0;
  const write = async (chunk: string) => {
    if (!file.write(chunk)) await once(file, "drain");
  };
  if (format === "csv") {
    const csv = stringify({ header: true, columns, bom: true, record_delimiter: "\r\n" });
    csv.on("data", (chunk: Buffer) => {
      if (!file.write(chunk)) csv.pause();
    });
    file.on("drain", () => csv.resume());
    for await (const page of pages) {
      for (const record of page) {
        if (!csv.write(cellsOf(record, columns))) await once(csv, "drain");
        rows++;
      }
    }
    csv.end();
    await once(csv, "end");
  } else {
    for await (const page of pages) {
      for (const record of page) {
        await write(`${JSON.stringify(record)}\n`);
        rows++;
      }
    }
  }
  file.end();
  await once(file, "close");
  return { rows, bytes: file.bytesWritten };
}
