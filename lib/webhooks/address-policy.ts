// Which addresses a webhook may be sent to. Receivers are configured by
// project admins in the console, and the worker sends from inside the
// deployment's network: without a check, a webhook URL could reach the cloud
// metadata service, the database, Redis or any internal HTTP service. The
// check runs on the addresses a host name resolves to, at connect time (a
// name checked earlier could resolve elsewhere by then), and on literal IPs.
import { BlockList, isIP } from "node:net";

export type AddressPolicy = { allowPrivate: boolean; allowLoopback: boolean };

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

const internal = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  internal.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  internal.addSubnet(net, prefix, "ipv6");
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIpv4(address: string): string | null {
  const m = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!m) return null;
  if (m[1]) return m[1];
  const hi = parseInt(m[2]!, 16);
  const lo = parseInt(m[3]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Null when the address may be called, else why not. */
export function refusedAddress(address: string, policy: AddressPolicy): string | null {
  const family = isIP(address);
  if (family === 0) return `"${address}" is not an IP address`;
  const v4 = family === 6 ? embeddedIpv4(address.toLowerCase()) : address;
  const [addr, type] = v4 ? [v4, "ipv4" as const] : [address, "ipv6" as const];
  if (loopback.check(addr, type)) return policy.allowLoopback || policy.allowPrivate ? null : `${address} is a loopback address`;
  if (internal.check(addr, type)) return policy.allowPrivate ? null : `${address} is a private or reserved address`;
  return null;
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The policy for this deployment: see WEBHOOK_ALLOW_PRIVATE_NETWORKS in lib/config.ts. */
export function deploymentAddressPolicy(cfg: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: boolean; NEXTAUTH_URL: string }): AddressPolicy {
  const consoleHost = new URL(cfg.NEXTAUTH_URL).hostname;
  return { allowPrivate: cfg.WEBHOOK_ALLOW_PRIVATE_NETWORKS, allowLoopback: LOOPBACK_NAMES.has(consoleHost) || consoleHost.endsWith(".localhost") };
}

/**
 * For the console, when an endpoint is saved: refuses a URL whose host is a
 * literal refused address or a loopback name, so the admin hears it at once.
 * Names that resolve to refused addresses are caught when sending.
 */
export function refusedWebhookUrl(url: string, policy: AddressPolicy): string | null {
  const host = urlHost(url);
  if (host === null) return null; // the URL schema reports malformed URLs
  if (host === "localhost" || host.endsWith(".localhost")) {
    return policy.allowLoopback || policy.allowPrivate ? null : `${host} is a loopback address`;
  }
  return isIP(host) ? refusedAddress(host, policy) : null;
}

/** A URL's host as an address or name: lower case, an IPv6 literal without its brackets; null if malformed. */
export function urlHost(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  } catch {
    return null;
  }
}
