// POSTs a webhook over node:http(s) with the address policy applied to every
// address the host resolves to, at connect time. No redirects are followed
// (a redirect could carry the signed request somewhere never configured).
import "server-only";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { refusedAddress, urlHost, type AddressPolicy } from "@/lib/webhooks/address-policy";

export class RefusedAddressError extends Error {
  override name = "RefusedAddressError";
}

/** A dns.lookup that fails for any refused address (all of a host's addresses are checked, not just the first). */
function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      for (const a of addresses) {
        const why = refusedAddress(a.address, policy);
        if (why) return callback(new RefusedAddressError(`${hostname} resolves to ${why}`), "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

export type WebhookAnswer = { status: number; text: string };

export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: { policy: AddressPolicy; timeoutMs: number },
): Promise<WebhookAnswer> {
  // A literal address never reaches the lookup below; names are checked there, on what they resolve to.
  const host = urlHost(url);
  const why = host !== null && isIP(host) ? refusedAddress(host, opts.policy) : null;
  if (why) return Promise.reject(new RefusedAddressError(why));
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<WebhookAnswer>((resolve, reject) => {
    const req = send(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: guardedLookup(opts.policy),
        timeout: opts.timeoutMs,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          // Only the start of an answer is kept for the delivery log.
          if (size < 4096) chunks.push(c);
          size += c.length;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8").slice(0, 4096) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error(`No answer within ${opts.timeoutMs / 1000} s`), { name: "TimeoutError" })));
    req.on("error", reject);
    req.end(body);
  });
}
