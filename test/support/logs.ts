import { vi } from "vitest";

export type LogEntry = { level: string; message: string; [key: string]: unknown };

/**
 * The JSON log lines written while `act` runs; plain-text lines (the local gateways' own) are left out. The handlers
 * log only at the level read at cold start, so a test file that needs their logs sets LOG_LEVEL before they load.
 */
export async function logsOf(act: () => Promise<unknown>): Promise<LogEntry[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(capture as typeof process.stdout.write),
    vi.spyOn(process.stderr, "write").mockImplementation(capture as typeof process.stderr.write),
    vi.spyOn(console, "error").mockImplementation(() => {}),
  ];
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines
    .join("")
    .split("\n")
    .filter((line) => line.trim().startsWith("{"))
    .map((line) => JSON.parse(line) as LogEntry);
}
