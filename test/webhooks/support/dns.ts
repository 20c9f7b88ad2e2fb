import type { HostResolver } from "@crm/core/webhook";

/** A resolver answering from a table, as DNS would; names not in it do not exist (ENOTFOUND). */
export function aResolver(answers: Record<string, string[] | (() => string[])>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string) => {
    calls.push(host);
    const answer = answers[host];
    const addresses = typeof answer === "function" ? answer() : answer;
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? (6 as const) : (4 as const) }));
  };
  return Object.assign(resolve, { calls });
}
