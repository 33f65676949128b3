// The client's IP for rate limits and audit, from the first proxy hop.
type HeaderBag = Headers | Record<string, unknown> | undefined | null;

function header(headers: HeaderBag, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const v = headers[name] ?? headers[name.toLowerCase()];
  if (Array.isArray(v)) return typeof v[0] === "string" ? v[0] : null;
  return typeof v === "string" ? v : null;
}

export function clientIp(headers: HeaderBag): string | null {
  const forwarded = header(headers, "x-forwarded-for");
  const first = forwarded?.split(",")[0]?.trim();
  return first || header(headers, "x-real-ip") || null;
}
