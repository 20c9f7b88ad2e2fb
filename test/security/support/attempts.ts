import type { RouteId } from "@crm/core/declarations";
import { type ApiResponse, invoke } from "../../support/api-events";
import { leakedSecrets, type SeededOrganisation } from "./seeded-organisation";
import { type TableWrite, withTableWrites } from "./table-writes";

export type AttemptRequest = Parameters<typeof invoke>[1] & object;

/** What one request did: its answer, the organisation data it wrote, and what of the foreign organisation it touched. */
export type Attempt = {
  response: ApiResponse;
  writes: TableWrite[];
  /** Foreign strings in the answer that the request did not carry. */
  leaks: string[];
  /** Writes whose item or key holds a foreign id: a change to the other organisation, or a reference into it. */
  foreignWrites: TableWrite[];
};

/** The figures a suite prints at its end; 5xx, leaks, foreign writes and writes on rejected requests must stay 0. */
export type Figures = {
  attempts: number;
  serverErrors: number;
  leaks: number;
  foreignWrites: number;
  writesOnRejected: number;
};

export const noFigures = (): Figures => ({
  attempts: 0,
  serverErrors: 0,
  leaks: 0,
  foreignWrites: 0,
  writesOnRejected: 0,
});

/** Sends one request, records its writes and checks it against the foreign organisation; counts it in `figures`. */
export async function attempt(
  figures: Figures,
  foreign: SeededOrganisation,
  routeId: RouteId,
  request: AttemptRequest,
): Promise<Attempt> {
  const { result: response, writes } = await withTableWrites(() => invoke(routeId, request));
  const requestText = JSON.stringify(request);
  const leaks = leakedSecrets(foreign, requestText, JSON.stringify([response.body, response.headers]));
  const foreignIds = foreign.secrets.filter((secret) => /^[a-z]{3}_/.test(secret));
  const foreignWrites = writes.filter((write) => foreignIds.some((id) => write.input.includes(id)));
  figures.attempts++;
  if (response.status >= 500) figures.serverErrors++;
  if (leaks.length > 0) figures.leaks++;
  if (foreignWrites.length > 0) figures.foreignWrites++;
  if (response.status >= 400 && writes.length > 0) figures.writesOnRejected++;
  return { response, writes, leaks, foreignWrites };
}

/** One line a reporter keeps: written to the process's own stdout, which vitest passes through. */
export function printFigures(suite: string, figures: Figures, extra = ""): void {
  process.stdout.write(
    `\n[${suite}] attempts: ${figures.attempts}, 5xx: ${figures.serverErrors}, leaks: ${figures.leaks}, ` +
      `foreign writes: ${figures.foreignWrites}, writes on rejected requests: ${figures.writesOnRejected}${extra}\n`,
  );
}
