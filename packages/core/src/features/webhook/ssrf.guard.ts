import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * Where a webhook may go. Customers name the URL, so every address it leads to is checked against the
 * special-purpose ranges (IANA's IPv4 and IPv6 registries) before anything connects: at subscription time, and
 * again at connect time on the address actually used (DNS can change in between).
 */

export type AddressRange =
  | "unspecified"
  | "loopback"
  | "private"
  | "shared"
  | "link-local"
  | "unique-local"
  | "multicast"
  | "documentation"
  | "translated"
  | "reserved";

type Subnet = readonly [network: string, prefix: number, family: "ipv4" | "ipv6"];

const specialRanges: Record<AddressRange, readonly Subnet[]> = {
  unspecified: [
    ["0.0.0.0", 8, "ipv4"],
    ["::", 128, "ipv6"],
  ],
  loopback: [
    ["127.0.0.0", 8, "ipv4"],
    ["::1", 128, "ipv6"],
  ],
  private: [
    ["10.0.0.0", 8, "ipv4"],
    ["172.16.0.0", 12, "ipv4"],
    ["192.168.0.0", 16, "ipv4"],
  ],
  /** Carrier-grade NAT (100.64/10): provider-internal, and where some clouds put their metadata services. */
  shared: [["100.64.0.0", 10, "ipv4"]],
  /** 169.254/16 holds the cloud metadata endpoint 169.254.169.254. */
  "link-local": [
    ["169.254.0.0", 16, "ipv4"],
    ["fe80::", 10, "ipv6"],
    ["fec0::", 10, "ipv6"],
  ],
  "unique-local": [["fc00::", 7, "ipv6"]],
  multicast: [
    ["224.0.0.0", 4, "ipv4"],
    ["ff00::", 8, "ipv6"],
  ],
  documentation: [
    ["192.0.2.0", 24, "ipv4"],
    ["198.51.100.0", 24, "ipv4"],
    ["203.0.113.0", 24, "ipv4"],
    ["2001:db8::", 32, "ipv6"],
    ["3fff::", 20, "ipv6"],
  ],
  /** IPv6 prefixes that carry an IPv4 address (NAT64, 6to4, IPv4-compatible): refused whole, whatever they embed. */
  translated: [
    ["64:ff9b::", 96, "ipv6"],
    ["64:ff9b:1::", 48, "ipv6"],
    ["2002::", 16, "ipv6"],
    ["::", 96, "ipv6"],
  ],
  reserved: [
    ["192.0.0.0", 24, "ipv4"],
    ["192.88.99.0", 24, "ipv4"],
    ["198.18.0.0", 15, "ipv4"],
    ["240.0.0.0", 4, "ipv4"],
    ["100::", 64, "ipv6"],
    ["2001::", 23, "ipv6"],
  ],
};

// One BlockList per range, so a refusal can say which range it hit. BlockList matches IPv4-mapped IPv6 addresses
// (::ffff:127.0.0.1, ::ffff:7f00:1) against the IPv4 rules.
const rangeLists = (Object.entries(specialRanges) as [AddressRange, readonly Subnet[]][]).map(([range, subnets]) => {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return { range, list };
});

/** The special-purpose range an IP address belongs to, or null for a public unicast address. */
export function addressRangeOf(address: string): AddressRange | null {
  const family = isIP(address);
  if (family === 0) throw new TypeError(`Not an IP address: ${address}`);
  const type = family === 4 ? "ipv4" : "ipv6";
  return rangeLists.find(({ list }) => list.check(address, type))?.range ?? null;
}

export type DestinationPolicy = {
  /**
   * Plain http to a loopback IP address (`http://127.0.0.1:4000/…`), where local receivers listen: the local cloud
   * and the tests only (`WEBHOOKS_ALLOW_LOOPBACK`, see webhooks.config.ts). Nothing else is allowed by it: not https
   * to loopback, not `localhost` or any name (names are resolved, and a name is what DNS rebinding turns into
   * loopback).
   */
  allowLoopback: boolean;
};

/** The destination is not one this API may connect to; the message says why, for the caller or the delivery log. */
export class UnsafeDestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsafeDestinationError";
  }
}

/** A URL that passed the checks that need no DNS. */
export type WebhookTarget = {
  url: URL;
  /** Without IPv6 brackets; what to connect to. */
  host: string;
  /** Set when the host is an IP address (already checked); names still have to be resolved and checked. */
  address: { address: string; family: 4 | 6 } | null;
};

export const maxWebhookUrlLength = 2048;

const isLocalhostName = (host: string) => /(^|\.)localhost\.?$/.test(host);

/**
 * Checks what can be checked without DNS: an absolute https URL (or, when the policy allows it, plain http to a
 * loopback IP address), no credentials in it, and a host that is either a public IP address or a fully qualified name. WHATWG URL
 * parsing has already turned decimal, hex, octal and shortened IPv4 forms (`2130706433`, `0x7f000001`, `0177.0.0.1`,
 * `127.1`) into dotted quads, so they are caught as the addresses they are.
 */
export function checkWebhookUrl(raw: string, policy: DestinationPolicy): WebhookTarget {
  if (raw.length > maxWebhookUrlLength) {
    throw new UnsafeDestinationError(`Must be at most ${maxWebhookUrlLength} characters.`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeDestinationError("Must be an absolute URL, such as https://hooks.example.com/crm.");
  }
  if (url.username || url.password) throw new UnsafeDestinationError("Must not contain a user name or password.");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const family = isIP(host);
  const range = family === 0 ? null : addressRangeOf(host);
  if (policy.allowLoopback && url.protocol === "http:" && range === "loopback") {
    return { url, host, address: { address: host, family: family as 4 | 6 } };
  }
  if (url.protocol !== "https:") throw new UnsafeDestinationError("Must be an https URL.");
  if (family !== 0) {
    if (range) throw new UnsafeDestinationError(`Must not point at a ${range} address (${host}).`);
    return { url, host, address: { address: host, family: family as 4 | 6 } };
  }
  if (isLocalhostName(host)) throw new UnsafeDestinationError(`Must not point at a loopback address (${host}).`);
  // A single-label name resolves through search domains, which inside a network means internal hosts.
  if (!host.replace(/\.$/, "").includes(".")) {
    throw new UnsafeDestinationError("Must name a fully qualified host, such as hooks.example.com.");
  }
  return { url, host, address: null };
}

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Every address a host name resolves to, in the resolver's order. */
export type HostResolver = (host: string) => Promise<ResolvedAddress[]>;

const systemResolver: HostResolver = async (host) =>
  (await lookup(host, { all: true, order: "verbatim" })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

let resolver: HostResolver = systemResolver;

/** Replaces the DNS resolver (the tests answer with fixed or changing addresses); no argument restores the system's. */
export function useHostResolver(replacement?: HostResolver): void {
  resolver = replacement ?? systemResolver;
}

/**
 * Resolves a host name and checks every address it has, not only the first: a name with one public and one private
 * address must not be usable to reach the private one. Returns the address to connect to, so the connection goes
 * exactly where the check looked. DNS failures are thrown as they come (they are not a verdict on safety). No
 * policy loosens this: a name that resolves to loopback is refused in the local cloud too.
 */
export async function resolveSafeAddress(host: string): Promise<ResolvedAddress> {
  const addresses = await resolver(host);
  const first = addresses[0];
  if (!first) throw Object.assign(new Error(`${host} has no address.`), { code: "ENODATA" });
  for (const { address } of addresses) {
    const range = addressRangeOf(address);
    if (range) throw new UnsafeDestinationError(`${host} resolves to ${address}, a ${range} address.`);
  }
  return first;
}
