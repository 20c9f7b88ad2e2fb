import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvError, type Info, parse } from "csv-parse";

/** Where reading can pick up again after a row: the byte offset of what follows it in the file, and that line. */
export type CsvPosition = { byte: number; line: number };

/**
 * A data row of a CSV file: the line it starts on (1-based, as an editor counts), its trimmed cells by header, and
 * where the file goes on after it (to resume from there with a ranged read).
 */
export type CsvRow = { line: number; values: Record<string, string>; next: CsvPosition };

/** What reading a file again from the middle needs: its header, the position after a row, the rows before it. */
export type CsvResumePoint = CsvPosition & { header: CsvHeader; rows: number };

export type CsvDelimiter = "," | ";" | "\t";

/** A header cell that was renamed so every column has a distinct, non-empty name. */
export type RenamedHeader = { column: number; original: string; name: string; reason: "empty" | "duplicate" };

/** What the header line said: the column names the rows are keyed by, in order, and the ones that had to change. */
export type CsvHeader = { line: number; delimiter: CsvDelimiter; columns: string[]; renamed: RenamedHeader[] };

export type CsvReadOptions = {
  /** The most data rows the file may have; one more is a CsvLimitExceededError. Default 100,000. */
  maxRows?: number;
  /** The most bytes the file may have. Default 25 MiB, the default file size limit. */
  maxBytes?: number;
  /** The most characters one record may have, so an unclosed quote cannot swallow the file. Default 1,000,000. */
  maxRecordChars?: number;
  /** The delimiter, when the caller knows it; otherwise it is detected from the header line. */
  delimiter?: CsvDelimiter;
  /** Called once with the header, before the first row. */
  onHeader?: (header: CsvHeader) => void;
  /**
   * The source starts at this point of the file rather than at its beginning (a ranged read): the header is the one
   * read before, lines, rows and bytes count on from it, and no header line is expected.
   */
  resumeAt?: CsvResumePoint;
};

export const defaultCsvLimits = { maxRows: 100_000, maxBytes: 25 * 1024 * 1024, maxRecordChars: 1_000_000 } as const;

export type MalformedCsvReason =
  | "no-header"
  | "unclosed-quote"
  | "invalid-quote"
  | "too-many-fields"
  | "record-too-large"
  | "not-utf8"
  | "malformed";

/** The file is not CSV this importer can read; `line` is where the offending record starts. */
export class MalformedCsvError extends Error {
  constructor(
    readonly line: number,
    readonly reason: MalformedCsvReason,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`Line ${line}: ${detail}`, options);
    this.name = "MalformedCsvError";
  }
}

/** The file has more rows or bytes than allowed; nothing past `line` was read. */
export class CsvLimitExceededError extends Error {
  constructor(
    readonly limit: "rows" | "bytes",
    readonly max: number,
    readonly line: number,
  ) {
    super(
      limit === "rows"
        ? `Line ${line}: the file has more than ${max} rows; split it into smaller files.`
        : `Line ${line}: the file is larger than ${max} bytes; split it into smaller files.`,
    );
    this.name = "CsvLimitExceededError";
  }
}

/** A record as the parser hands it on: its cells, the line it starts on and the position after it. */
type ParsedRecord = { line: number; cells: string[]; next: CsvPosition };

const delimiters: readonly CsvDelimiter[] = [",", ";", "\t"];

/** How much text is looked at to find the end of the header line when detecting the delimiter. */
const headerScanChars = 64 * 1024;

/**
 * Reads a CSV file's data rows one at a time, keyed by its header line, so memory stays flat in the row count.
 * UTF-8 only (a BOM is dropped); comma, semicolon or tab delimited; quoted fields may hold delimiters, quotes and
 * newlines. Empty lines and rows of only empty cells are skipped; fewer cells than headers read as empty, more (and
 * not empty) are a MalformedCsvError. Errors of the source itself pass through unchanged.
 */
export async function* csvRows(
  source: AsyncIterable<Uint8Array | string>,
  options: CsvReadOptions = {},
): AsyncGenerator<CsvRow, void, undefined> {
  const maxRows = options.maxRows ?? defaultCsvLimits.maxRows;
  const resume = options.resumeAt;
  // The line the decoder has reached, for errors the parser never sees, and the bytes before the parser's first.
  const read: DecodingState = { line: resume?.line ?? 1, bytes: resume?.byte ?? 0, skippedBom: 0 };
  const text = decodedText(source, options.maxBytes ?? defaultCsvLimits.maxBytes, read)[Symbol.asyncIterator]();
  const { head, delimiter } = resume
    ? { head: "", delimiter: resume.header.delimiter }
    : await detectDelimiter(text, options.delimiter);

  // Where the last record ended, so the next one's first line can be told: csv-parse counts the line a record ends
  // on. Tracked as the parser goes (not as rows are consumed), so an error's line is right however far behind we are.
  // A resumed parser counts from the resume point's line; its bytes from the resume point's byte.
  const lineBase = (resume?.line ?? 1) - 1;
  let parsed = { lines: 0, emptyLines: 0 };
  const startLine = (info: Pick<Info, "lines" | "empty_lines">) =>
    lineBase + parsed.lines + 1 + (info.empty_lines - parsed.emptyLines);
  const byteBase = () => (resume?.byte ?? 0) + read.skippedBom;
  const parser = parse({
    delimiter,
    trim: true,
    relax_quotes: true, // `Acme "Ltd"` unquoted is kept as written, as spreadsheets read it
    relax_column_count: true, // counted below, to say which line and to accept trailing empty cells
    skip_empty_lines: true,
    max_record_size: options.maxRecordChars ?? defaultCsvLimits.maxRecordChars,
    // A record the parser cannot read is skipped and its error kept, rather than failing the stream: a failed stream
    // drops the records it had parsed but not yet handed on, which are good rows that come before the bad one.
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error instanceof CsvError) read.failure ??= malformed(error, startLine(error as unknown as Info));
    },
    on_record: (record: string[], info) => {
      const line = startLine(info);
      parsed = { lines: info.lines, emptyLines: info.empty_lines };
      // `bytes` has counted the record's own line break, so what follows starts on the next line.
      const next = { byte: byteBase() + info.bytes, line: lineBase + info.lines + 1 };
      // csv-parse types on_record's result as a record unless `columns` is set; the iteration below reads it back.
      return { line, cells: record, next } satisfies ParsedRecord as unknown as string[];
    },
  });
  const feeding = pipeline(Readable.from(resumed(head, text)), parser);
  feeding.catch(() => {}); // its error also ends the iteration below, which reports it

  let header: CsvHeader | undefined = resume?.header;
  let rows = resume?.rows ?? 0;
  try {
    for await (const { line, cells: record, next } of parser as AsyncIterable<ParsedRecord>) {
      if (read.failure && line >= read.failure.line) throw read.failure; // every row before the problem was read
      const cells = record.map((cell) => cell.trim());
      if (cells.every((cell) => cell === "")) continue;
      if (header === undefined) {
        header = { line, delimiter, ...uniqueColumns(cells) };
        options.onHeader?.(header);
        continue;
      }
      const { columns } = header;
      if (cells.slice(columns.length).some((cell) => cell !== "")) {
        throw new MalformedCsvError(
          line,
          "too-many-fields",
          `the row has ${cells.length} fields but the header has ${columns.length}; quote values that contain ${delimiterNames[delimiter]}.`,
        );
      }
      rows += 1;
      if (rows > maxRows) throw new CsvLimitExceededError("rows", maxRows, line);
      yield { line, values: Object.fromEntries(columns.map((column, index) => [column, cells[index] ?? ""])), next };
    }
  } catch (error) {
    if (error instanceof CsvError) throw malformed(error, startLine(error as unknown as Info));
    throw error;
  } finally {
    // Stopped early or failed: end the parser and wait until that has closed the source (an S3 stream, a file).
    parser.destroy();
    await feeding.catch(() => {});
  }
  await feeding;
  if (read.failure) throw read.failure;
  if (header === undefined) throw new MalformedCsvError(read.line, "no-header", "the file has no header line.");
}

/** Reads only as far as the header line, e.g. to suggest a mapping, and stops reading the source there. */
export async function readCsvHeader(
  source: AsyncIterable<Uint8Array | string>,
  options: Omit<CsvReadOptions, "onHeader"> = {},
): Promise<CsvHeader> {
  let header: CsvHeader | undefined;
  const rows = csvRows(source, { ...options, onHeader: (read) => (header = read) });
  try {
    await rows.next();
  } finally {
    await rows.return();
  }
  if (header === undefined) throw new MalformedCsvError(1, "no-header", "the file has no header line.");
  return header;
}

/**
 * How far the text has got: the line reached, the bytes before it, the BOM dropped at its start, and the problem that
 * stopped the reading (the rows before it are still read).
 */
type DecodingState = {
  line: number;
  bytes: number;
  skippedBom: number;
  failure?: MalformedCsvError | CsvLimitExceededError;
};

/** The most text held back waiting for a line break; past it the text goes on (the parser's record limit applies). */
const maxHeldBackChars = 1 << 20;

/**
 * The source as text: UTF-8 decoded across chunk boundaries, BOM dropped (and counted, so byte offsets stay the
 * file's), bytes counted against the limit. Text is handed on up to its last line break, so when the file turns out
 * too large or not UTF-8 (bytes that decode to U+FFFD: saved in another encoding) the text ends at a line boundary,
 * never inside a row: the problem is recorded with its line and the reading stops.
 */
async function* decodedText(
  source: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
  read: DecodingState,
): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true }); // dropped below, with its bytes counted
  const encoder = new TextEncoder();
  let bytes = read.bytes;
  let atStart = read.bytes === 0;
  let heldBack = "";
  for await (const chunk of source) {
    const raw = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
    bytes += raw.byteLength;
    if (bytes > maxBytes) {
      read.failure = new CsvLimitExceededError("bytes", maxBytes, read.line);
      return;
    }
    let decoded = decoder.decode(raw, { stream: true });
    if (atStart && decoded !== "") {
      atStart = false;
      if (decoded.startsWith("\uFEFF")) {
        decoded = decoded.slice(1);
        read.skippedBom = 3;
      }
    }
    const replaced = decoded.indexOf("\uFFFD");
    if (replaced !== -1) {
      const good = heldBack + decoded.slice(0, replaced);
      const cut = good.lastIndexOf("\n") + 1;
      if (cut > 0) yield good.slice(0, cut);
      read.failure = new MalformedCsvError(
        read.line + countNewlines(decoded.slice(0, replaced)),
        "not-utf8",
        "the file is not UTF-8 text; save it as “CSV UTF-8” and upload it again.",
      );
      return;
    }
    read.line += countNewlines(decoded);
    const text = heldBack + decoded;
    const cut = text.length > maxHeldBackChars ? text.length : text.lastIndexOf("\n") + 1;
    heldBack = text.slice(cut);
    if (cut > 0) yield text.slice(0, cut);
  }
  const rest = heldBack + decoder.decode();
  if (rest.includes("\uFFFD")) {
    read.failure = new MalformedCsvError(read.line, "not-utf8", "the file ends in the middle of a UTF-8 character.");
    return;
  }
  if (rest !== "") yield rest;
}

/** Reads text until the header line is complete and picks the delimiter it uses most (outside quotes). */
async function detectDelimiter(
  text: AsyncIterator<string>,
  given: CsvDelimiter | undefined,
): Promise<{ head: string; delimiter: CsvDelimiter }> {
  let head = "";
  let headerLine: string | undefined;
  while (headerLine === undefined && head.length < headerScanChars) {
    const next = await text.next();
    if (next.done) break;
    head += next.value;
    headerLine = firstLineOf(head);
  }
  if (given) return { head, delimiter: given };
  const counts = countOutsideQuotes(headerLine ?? head.slice(0, headerScanChars));
  const delimiter = delimiters.reduce((best, candidate) => (counts[candidate] > counts[best] ? candidate : best));
  return { head, delimiter };
}

/** The first non-empty line, if the text holds all of it (a newline inside quotes does not end it). */
function firstLineOf(text: string): string | undefined {
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character === '"') quoted = !quoted;
    else if (character === "\n" && !quoted) {
      const line = text.slice(start, index);
      if (line.trim() !== "") return line;
      start = index + 1;
    }
  }
  return undefined;
}

function countOutsideQuotes(line: string): Record<CsvDelimiter, number> {
  const counts: Record<CsvDelimiter, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const character of line) {
    if (character === '"') quoted = !quoted;
    else if (!quoted && character in counts) counts[character as CsvDelimiter] += 1;
  }
  return counts;
}

/** The text already read for detection, then the rest; closing it closes the source. */
async function* resumed(head: string, rest: AsyncIterator<string>): AsyncGenerator<string> {
  try {
    if (head !== "") yield head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}

/** Header cells made distinct and non-empty: `Column 3` for an empty one, `Email (2)` for a second `Email`. */
function uniqueColumns(cells: string[]): { columns: string[]; renamed: RenamedHeader[] } {
  const taken = new Set(cells.filter((cell) => cell !== ""));
  const seen = new Set<string>();
  const renamed: RenamedHeader[] = [];
  const columns = cells.map((cell, index) => {
    const column = index + 1;
    if (cell !== "" && !seen.has(cell)) {
      seen.add(cell);
      return cell;
    }
    const stem = cell === "" ? `Column ${column}` : cell;
    let name = stem;
    for (let suffix = 2; taken.has(name) || seen.has(name); suffix++) name = `${stem} (${suffix})`;
    seen.add(name);
    renamed.push({ column, original: cell, name, reason: cell === "" ? "empty" : "duplicate" });
    return name;
  });
  return { columns, renamed };
}

function malformed(error: CsvError, line: number): MalformedCsvError {
  const [reason, detail]: [MalformedCsvReason, string] =
    error.code === "CSV_QUOTE_NOT_CLOSED"
      ? ["unclosed-quote", "a quoted field is never closed; check for a missing closing quote."]
      : error.code === "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE" ||
          error.code === "CSV_INVALID_CLOSING_QUOTE" ||
          error.code === "INVALID_OPENING_QUOTE"
        ? ["invalid-quote", 'a quoted field has text after its closing quote; write a quote inside quotes as "".']
        : error.code === "CSV_MAX_RECORD_SIZE"
          ? ["record-too-large", "the record is too long; a quote is probably not closed."]
          : ["malformed", error.message];
  return new MalformedCsvError(line, reason, detail, { cause: error });
}

function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) count += 1;
  return count;
}

const delimiterNames: Record<CsvDelimiter, string> = { ",": "commas", ";": "semicolons", "\t": "tabs" };
