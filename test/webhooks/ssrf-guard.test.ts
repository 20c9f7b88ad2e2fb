import {
  type AddressRange,
  addressRangeOf,
  checkWebhookUrl,
  resolveSafeAddress,
  UnsafeDestinationError,
  useHostResolver,
} from "@crm/core/webhook";
import { afterEach, describe, expect, it } from "vitest";
import { aResolver } from "./support/dns";

const inAws = { allowLoopback: false };
const inTheLocalCloud = { allowLoopback: true };

describe("the address classifier", () => {
  const special: [address: string, range: AddressRange][] = [
    ["0.0.0.0", "unspecified"],
    ["0.255.1.2", "unspecified"],
    ["::", "unspecified"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.0.1", "private"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:c0a8:1", "private"],
    ["100.64.0.1", "shared"],
    ["100.127.255.255", "shared"],
    ["100.100.100.200", "shared"],
    ["169.254.169.254", "link-local"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::ffff:a9fe:a9fe", "link-local"],
    ["fe80::1", "link-local"],
    ["febf:ffff::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd00:ec2::254", "unique-local"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["ff02::1", "multicast"],
    ["192.0.2.1", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.9", "documentation"],
    ["2001:db8::1", "documentation"],
    ["64:ff9b::7f00:1", "translated"],
    ["64:ff9b::a9fe:a9fe", "translated"],
    ["2002:7f00:1::", "translated"],
    ["::7f00:1", "translated"],
    ["255.255.255.255", "reserved"],
    ["240.0.0.1", "reserved"],
    ["198.18.0.1", "reserved"],
    ["2001::1", "reserved"],
  ];
  it.each(special)("puts %s in the %s range", (address, range) => {
    expect(addressRangeOf(address)).toBe(range);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "172.32.0.1",
    "172.15.255.255",
    "100.128.0.1",
    "169.255.0.1",
    "11.0.0.1",
    "::ffff:8.8.8.8",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
  ])("finds %s public", (address) => {
    expect(addressRangeOf(address)).toBeNull();
  });

  it("refuses what is not an IP address", () => {
    expect(() => addressRangeOf("example.com")).toThrow(TypeError);
  });
});

describe("the URL check", () => {
  const refusal = (url: string, policy = inAws) => {
    try {
      checkWebhookUrl(url, policy);
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(UnsafeDestinationError);
      return (error as Error).message;
    }
  };

  it.each([
    ["https://2130706433/", "127.0.0.1"],
    ["https://0x7f000001/", "127.0.0.1"],
    ["https://0x7f.0.0.1/", "127.0.0.1"],
    ["https://0177.0.0.1/", "127.0.0.1"],
    ["https://017700000001/", "127.0.0.1"],
    ["https://127.1/", "127.0.0.1"],
    ["https://127.0.1/", "127.0.0.1"],
    ["https://０x7f.1/", "127.0.0.1"],
    ["https://[::ffff:127.0.0.1]/", "::ffff:7f00:1"],
    ["https://[0:0:0:0:0:ffff:7f00:1]/", "::ffff:7f00:1"],
  ])("sees through the numeric form %s (it is %s)", (url, canonical) => {
    expect(refusal(url)).toBe(`Must not point at a loopback address (${canonical}).`);
  });

  it.each([
    ["https://169.254.169.254/latest/meta-data/", "Must not point at a link-local address (169.254.169.254)."],
    ["https://[::ffff:a9fe:a9fe]/", "Must not point at a link-local address (::ffff:a9fe:a9fe)."],
    ["https://10.0.0.1/", "Must not point at a private address (10.0.0.1)."],
    ["https://[fd12::1]/", "Must not point at a unique-local address (fd12::1)."],
    ["http://hooks.example.com/", "Must be an https URL."],
    ["file:///etc/passwd", "Must be an https URL."],
    ["gopher://hooks.example.com/", "Must be an https URL."],
    ["https://user:pass@hooks.example.com/", "Must not contain a user name or password."],
    ["https://localhost/", "Must not point at a loopback address (localhost)."],
    ["https://intranet/", "Must name a fully qualified host, such as hooks.example.com."],
    ["//hooks.example.com/", "Must be an absolute URL, such as https://hooks.example.com/crm."],
    [`https://hooks.example.com/${"a".repeat(2048)}`, "Must be at most 2048 characters."],
  ])("refuses %s", (url, reason) => {
    expect(refusal(url)).toBe(reason);
  });

  it("reads the host of https://hooks.example.com#@127.0.0.1 as hooks.example.com, as the connection would", () => {
    const target = checkWebhookUrl("https://hooks.example.com#@127.0.0.1", inAws);
    expect(target).toMatchObject({ host: "hooks.example.com", address: null });
  });

  it("leaves names to be resolved and checked, and passes public addresses with their family", () => {
    expect(checkWebhookUrl("https://hooks.example.com:8443/x?y=1", inAws).address).toBeNull();
    expect(checkWebhookUrl("https://[2606:4700:4700::1111]/", inAws).address).toEqual({
      address: "2606:4700:4700::1111",
      family: 6,
    });
  });

  it("allows plain http to a loopback address only in the local cloud, and nothing else private even there", () => {
    expect(refusal("http://127.0.0.1:4000/hooks", inTheLocalCloud)).toBeNull();
    expect(refusal("http://[::1]:4000/hooks", inTheLocalCloud)).toBeNull();
    // Not https to loopback, not a name: names are resolved, and DNS is what rebinding turns into loopback.
    expect(refusal("https://127.0.0.1:4000/hooks", inTheLocalCloud)).toBe(
      "Must not point at a loopback address (127.0.0.1).",
    );
    expect(refusal("http://localhost:4000/hooks", inTheLocalCloud)).toBe("Must be an https URL.");
    expect(refusal("https://localhost:4000/hooks", inTheLocalCloud)).toBe(
      "Must not point at a loopback address (localhost).",
    );
    expect(refusal("http://127.0.0.1:4000/hooks", inAws)).toBe("Must be an https URL.");
    expect(refusal("https://127.0.0.1:4000/hooks", inAws)).toBe("Must not point at a loopback address (127.0.0.1).");
    expect(refusal("http://hooks.example.com/", inTheLocalCloud)).toBe("Must be an https URL.");
    expect(refusal("https://10.0.0.1/", inTheLocalCloud)).toBe("Must not point at a private address (10.0.0.1).");
    expect(refusal("https://169.254.169.254/", inTheLocalCloud)).toMatch(/link-local/);
  });
});

describe("resolving a host", () => {
  afterEach(() => useHostResolver());

  it("checks every address and answers with the first, which the connection then uses", async () => {
    useHostResolver(aResolver({ "hooks.example.com": ["93.184.215.14", "2606:2800:21f::1"] }));
    await expect(resolveSafeAddress("hooks.example.com")).resolves.toEqual({
      address: "93.184.215.14",
      family: 4,
    });
  });

  it("refuses a name when any of its addresses is refused, wherever it is in the answer", async () => {
    useHostResolver(aResolver({ "mixed.example.com": ["93.184.215.14", "::ffff:169.254.169.254"] }));
    await expect(resolveSafeAddress("mixed.example.com")).rejects.toThrow(
      new UnsafeDestinationError("mixed.example.com resolves to ::ffff:169.254.169.254, a link-local address."),
    );
  });

  it("refuses a name that resolves to loopback, also in the local cloud (only loopback addresses are let through there)", async () => {
    useHostResolver(aResolver({ "rebound.example.com": ["127.0.0.1"] }));
    await expect(resolveSafeAddress("rebound.example.com")).rejects.toThrow(/a loopback address/);
  });

  it("passes DNS failures through as they are, for the caller to judge", async () => {
    useHostResolver(aResolver({}));
    await expect(resolveSafeAddress("nowhere.example.com")).rejects.toMatchObject({ code: "ENOTFOUND" });
    useHostResolver(aResolver({ "empty.example.com": [] }));
    await expect(resolveSafeAddress("empty.example.com")).rejects.toMatchObject({ code: "ENODATA" });
  });
});
