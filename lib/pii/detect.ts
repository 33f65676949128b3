// PII detection and redaction for prompts and responses at ingest. Pure and
// dependency-free; it runs on every event, so every scan is linear in the
// input: no regex has nested ambiguous quantifiers or something to match after
// an unbounded run (so a failed attempt costs a bounded amount), and the
// scanners anchor on a rare character ("@", ":") or a digit and never reread
// what they have consumed. Checksums (Luhn, IBAN mod-97) and range rules (SSN,
// IP octets) run in code after a cheap structural match.
//
// Detection is conservative about shapes that are common in chat text
// (versions, dates, times, prices, years, hex words in code) and accepts the
// misses that follow; detect.test.ts records each decision with an example.

export type PiiKind = "api_secret" | "card" | "email" | "iban" | "ipv4" | "ipv6" | "phone" | "ssn";

export type PiiMatch = { kind: PiiKind; start: number; end: number };

const PLACEHOLDER: Record<PiiKind, string> = {
  api_secret: "[SECRET]",
  card: "[CARD]",
  email: "[EMAIL]",
  iban: "[IBAN]",
  ipv4: "[IP]",
  ipv6: "[IP]",
  phone: "[PHONE]",
  ssn: "[SSN]",
};

// ---------------------------------------------------------------- characters

const SPACE = 0x20;
const HASH = 0x23;
const DOLLAR = 0x24;
const PERCENT = 0x25;
const LPAREN = 0x28;
const RPAREN = 0x29;
const PLUS = 0x2b;
const COMMA = 0x2c;
const HYPHEN = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const COLON = 0x3a;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** ASCII letter, digit or underscore; NaN (before or after the text) is not one. */
function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function isCurrencySign(c: number): boolean {
  return c === DOLLAR || c === 0x20ac || c === 0xa3 || c === 0xa5;
}

// ---------------------------------------------------------------- email

// Anchored on "@": prose has few, while a pattern that starts with the local
// part makes an attempt at every word. The local part is read backwards (at
// most 64 characters, and it must be the whole run), the domain with a sticky
// regex: labels of at most 63, at most 10 before an alphabetic TLD.
const EMAIL_DOMAIN = /(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,10}[A-Za-z]{2,63}(?![A-Za-z0-9-])/y;

function isLocalPartChar(c: number): boolean {
  return isWordChar(c) || c === DOT || c === HYPHEN || c === PLUS || c === PERCENT;
}

function detectEmails(text: string, out: PiiMatch[]): void {
  for (let at = text.indexOf("@"); at >= 0;) {
    let start = at;
    while (start > 0 && at - start < 64 && isLocalPartChar(text.charCodeAt(start - 1))) start--;
    EMAIL_DOMAIN.lastIndex = at + 1;
    const domain = start < at && !isLocalPartChar(text.charCodeAt(start - 1)) ? EMAIL_DOMAIN.exec(text) : null;
    if (domain) {
      const end = at + 1 + domain[0].length;
      out.push({ kind: "email", start, end });
      at = text.indexOf("@", end);
    } else {
      at = text.indexOf("@", at + 1);
    }
  }
}

// ---------------------------------------------------------------- numeric segments

// Cards and phones are read from the same segments: digit groups joined by one
// space, hyphen or dot, plus parenthesised groups ("(415) 555", "+44 (0)20").
// A window of groups is one candidate; it starts at the segment start or after
// a space and ends at the segment end or before a space, because a hyphen or
// dot on either side makes it part of a longer number.

const NEXT_DIGIT = /\d/g;

/**
 * The digit groups of one segment, in a flat typed array reused from segment
 * to segment: digit-dense input yields hundreds of thousands of groups, and an
 * object (or a growing plain array) per group would cost more than every
 * check put together.
 */
class Groups {
  private data = new Int32Array(80);
  length = 0;

  add(start: number, end: number, digits: number, paren: boolean, sep: number): void {
    const o = this.length++ * 5;
    if (o + 5 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[o] = start;
    this.data[o + 1] = end;
    this.data[o + 2] = digits;
    this.data[o + 3] = paren ? 1 : 0;
    this.data[o + 4] = sep;
  }
  /** Where the group starts, at its "(" if parenthesised. */
  start(k: number): number {
    return this.data[k * 5] ?? 0;
  }
  /** Where the group ends, after its ")" if parenthesised. */
  end(k: number): number {
    return this.data[k * 5 + 1] ?? 0;
  }
  digits(k: number): number {
    return this.data[k * 5 + 2] ?? 0;
  }
  paren(k: number): boolean {
    return this.data[k * 5 + 3] === 1;
  }
  /** The space, hyphen or dot before the group; 0 next to a parenthesis. */
  sep(k: number): number {
    return this.data[k * 5 + 4] ?? 0;
  }
  /** Numeric value of a plain group (at most 8 digits are ever asked for). */
  value(text: string, k: number): number {
    let v = 0;
    for (let i = this.start(k), end = this.end(k); i < end; i++) v = v * 10 + (text.charCodeAt(i) - 0x30);
    return v;
  }
}

/**
 * Reads the segment starting at `pos` ("+", "(" or a digit) into `g` and
 * returns where it ends; `g` is left empty if no group could be read.
 */
function readSegment(text: string, pos: number, g: Groups): number {
  g.length = 0;
  let i = text.charCodeAt(pos) === PLUS ? pos + 1 : pos;
  let sep = 0;
  for (;;) {
    const groupStart = i;
    const paren = text.charCodeAt(i) === LPAREN;
    if (paren) i++;
    const digitsStart = i;
    while (isDigit(text.charCodeAt(i))) i++;
    const digits = i - digitsStart;
    if (digits === 0 || (paren && (digits > 6 || text.charCodeAt(i) !== RPAREN))) {
      // Not a group after all: the segment ends before its separator.
      return g.length === 0 ? pos : g.end(g.length - 1);
    }
    if (paren) i++;
    g.add(groupStart, i, digits, paren, sep);
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if ((c === SPACE || c === HYPHEN || c === DOT) && isDigit(next)) {
      sep = c;
      i++;
    } else if (c === SPACE && next === LPAREN) {
      sep = c;
      i++;
    } else if (c === LPAREN || (paren && isDigit(c))) {
      sep = 0;
    } else {
      return i;
    }
  }
}

/** Not inside a word, and not the tail of a decimal or grouped number ("3.4111…", "1,234"). */
function numberStartsAt(text: string, i: number): boolean {
  const prev = text.charCodeAt(i - 1);
  if (isWordChar(prev)) return false;
  return !((prev === DOT || prev === COMMA) && isDigit(text.charCodeAt(i - 2)));
}

function numberEndsAt(text: string, i: number): boolean {
  const next = text.charCodeAt(i);
  if (isWordChar(next)) return false;
  return !((next === DOT || next === COMMA || next === COLON || next === SLASH) && isDigit(text.charCodeAt(i + 1)));
}

function detectNumbers(text: string, out: PiiMatch[]): void {
  const groups = new Groups();
  let from = 0;
  for (;;) {
    // `test` on a global regex finds the next digit without allocating.
    NEXT_DIGIT.lastIndex = from;
    if (!NEXT_DIGIT.test(text)) return;
    const digitAt = NEXT_DIGIT.lastIndex - 1;
    const lead = digitAt > from ? text.charCodeAt(digitAt - 1) : 0;
    let end = readSegment(text, lead === PLUS || lead === LPAREN ? digitAt - 1 : digitAt, groups);
    // "(12345678)" opens no group; its digits still start a segment.
    if (groups.length === 0) end = readSegment(text, digitAt, groups);
    let total = 0;
    for (let k = 0; k < groups.length; k++) total += groups.digits(k);
    if (total >= 13) cardsInSegment(text, groups, out);
    if (total >= 7) phonesInSegment(text, groups, total, out);
    from = Math.max(end, digitAt + 1);
  }
}

// ---------------------------------------------------------------- payment cards

function luhnValid(text: string, start: number, end: number): boolean {
  let sum = 0;
  let double = false;
  for (let i = end - 1; i >= start; i--) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) continue;
    let d = c - 0x30;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Leftmost-longest windows of 13–19 digits: one run of digits, or groups of
 * 3–6 digits all joined by spaces or all by hyphens; an issuer digit (2–6)
 * first, so that millisecond timestamps and order numbers starting with 1, 7,
 * 8, 9 or 0 never pass on a 1-in-10 Luhn chance; and a valid Luhn sum.
 */
function cardsInSegment(text: string, g: Groups, out: PiiMatch[]): void {
  const last = g.length - 1;
  let s = 0;
  while (s <= last) {
    const start = g.start(s);
    const issuer = text.charCodeAt(start);
    const canStart =
      !g.paren(s) && issuer >= 0x32 && issuer <= 0x36 && (s === 0 ? numberStartsAt(text, start) : g.sep(s) === SPACE);
    const fitsGroup = (k: number) => !g.paren(k) && g.digits(k) >= 3 && g.digits(k) <= 6;
    let found = -1;
    if (canStart) {
      let digits = 0;
      let sep = 0;
      for (let e = s; e <= last; e++) {
        if (e > s) {
          const joint = g.sep(e);
          const jointOk = (joint === SPACE || joint === HYPHEN) && (e === s + 1 || joint === sep);
          if (!jointOk || !fitsGroup(s) || !fitsGroup(e)) break;
          sep = joint;
        }
        digits += g.digits(e);
        if (digits > 19) break;
        const endOk = e === last ? numberEndsAt(text, g.end(e)) : g.sep(e + 1) === SPACE;
        if (digits >= 13 && endOk && luhnValid(text, start, g.end(e))) found = e;
      }
    }
    if (found >= 0) {
      out.push({ kind: "card", start, end: g.end(found) });
      s = found + 1;
    } else {
      s++;
    }
  }
}

// ---------------------------------------------------------------- phone

const MAX_PHONE_DIGITS = 15;

function isYear(text: string, g: Groups, k: number): boolean {
  if (g.paren(k) || g.digits(k) !== 4) return false;
  const v = g.value(text, k);
  return v >= 1900 && v <= 2099;
}

/** YYYY-MM-DD, DD.MM.YYYY or MM-DD-YYYY starting at group k. */
function dateAt(text: string, g: Groups, k: number, e: number): boolean {
  if (k + 2 > e || g.paren(k) || g.paren(k + 1) || g.paren(k + 2)) return false;
  const sep = g.sep(k + 1);
  if ((sep !== HYPHEN && sep !== DOT) || g.sep(k + 2) !== sep) return false;
  const [la, lb, lc] = [g.digits(k), g.digits(k + 1), g.digits(k + 2)];
  const [va, vb, vc] = [g.value(text, k), g.value(text, k + 1), g.value(text, k + 2)];
  if (la === 4 && lb === 2 && lc === 2) return vb >= 1 && vb <= 12 && vc >= 1 && vc <= 31;
  if (la === 2 && lb === 2 && lc === 4) return va <= 31 && vb <= 31 && isYear(text, g, k + 2);
  return false;
}

/** Number shapes with a phone's digit count that are something else. */
function notAPhoneShape(text: string, g: Groups, s: number, e: number): boolean {
  let allYears = true;
  let sep = g.sep(s + 1);
  let maxDigits = g.digits(s);
  let restAllThree = true;
  for (let k = s; k <= e; k++) {
    if (!isYear(text, g, k)) allYears = false;
    if (dateAt(text, g, k, e)) return true;
    if (k > s) {
      if (g.sep(k) !== sep) sep = -1;
      if (g.digits(k) !== 3) restAllThree = false;
      maxDigits = Math.max(maxDigits, g.digits(k));
    }
  }
  // "2023-2024", "1999 2000 2001".
  if (allYears) return true;
  const n = e - s + 1;
  // SSN-shaped 3-2-4, valid or not, however it is punctuated.
  const ssnShape = n === 3 && g.digits(s) === 3 && g.digits(s + 1) === 2 && g.digits(e) === 4;
  if (ssnShape && g.sep(s + 1) !== DOT && g.sep(e) !== DOT) return true;
  // A dotted quad, valid address or not.
  if (n === 4 && sep === DOT && maxDigits <= 3) return true;
  // Thousands grouping: "12 345 678", "123.456.789".
  return (sep === SPACE || sep === DOT) && !g.paren(s) && g.digits(s) <= 3 && restAllThree;
}

function validPhone(text: string, g: Groups, s: number, e: number, international: boolean, digits: number): boolean {
  if (international) {
    if (digits < 8 || digits > MAX_PHONE_DIGITS || g.paren(s) || text.charCodeAt(g.start(s)) === 0x30) return false;
    // E.164 written without separators: "+14155552671".
    if (s === e) return true;
    if (g.digits(s) > 3) return false;
    for (let k = s + 1; k <= e; k++) {
      if (g.paren(k) && (k !== s + 1 || g.digits(k) > 4)) return false;
    }
    return true;
  }
  // National numbers need separators; a bare run of digits is an id.
  if (s === e || digits < 7 || digits > 12) return false;
  if (g.paren(s)) {
    if (g.digits(s) < 2 || g.digits(s) > 5) return false;
  } else if (g.digits(s) === 1) {
    // North American trunk prefix: 1-800-555-0199.
    const trunk =
      text.charCodeAt(g.start(s)) === 0x31 &&
      e - s === 3 &&
      g.digits(s + 1) === 3 &&
      g.digits(s + 2) === 3 &&
      g.digits(e) === 4;
    if (!trunk) return false;
  } else if (g.digits(s) > 8) {
    return false;
  }
  for (let k = s + 1; k <= e; k++) {
    if (g.paren(k) || g.digits(k) < 2 || g.digits(k) > 8) return false;
  }
  return !notAPhoneShape(text, g, s, e);
}

function phoneStartsAt(text: string, i: number): boolean {
  const prev = text.charCodeAt(i - 1);
  if (isWordChar(prev) || isCurrencySign(prev) || prev === HASH) return false;
  // The tail of something else: "ID-555-0199", "v.555…", "12:555-0199".
  const joined = prev === DOT || prev === COMMA || prev === SLASH || prev === HYPHEN;
  if (joined && isWordChar(text.charCodeAt(i - 2))) return false;
  return !(prev === COLON && isDigit(text.charCodeAt(i - 2)));
}

/**
 * Leftmost-longest phone windows. In a segment with more digits than any
 * phone, plain groups joined by a space are one long number
 * ("4111 1111 1111 1112"), so national windows there may not span a space.
 */
function phonesInSegment(text: string, g: Groups, total: number, out: PiiMatch[]): void {
  const segStart = g.start(0);
  const plusAt = text.charCodeAt(segStart - 1) === PLUS ? segStart - 1 : -1;
  const long = total > MAX_PHONE_DIGITS;
  const last = g.length - 1;
  let s = 0;
  while (s <= last) {
    const international = s === 0 && plusAt >= 0;
    const canStart = s === 0 ? phoneStartsAt(text, international ? plusAt : segStart) : g.sep(s) === SPACE;
    let found = -1;
    if (canStart) {
      let digits = 0;
      for (let e = s; e <= last; e++) {
        digits += g.digits(e);
        if (digits > MAX_PHONE_DIGITS) break;
        if (e > s && !international && long && g.sep(e) === SPACE && !g.paren(e) && !g.paren(e - 1)) break;
        const endOk = e === last ? numberEndsAt(text, g.end(e)) : g.sep(e + 1) === SPACE;
        if (endOk && validPhone(text, g, s, e, international, digits)) found = e;
      }
    }
    if (found >= 0) {
      out.push({ kind: "phone", start: international ? plusAt : g.start(s), end: g.end(found) });
      s = found + 1;
    } else {
      s++;
    }
  }
}

// ---------------------------------------------------------------- SSN

// Dashes or spaces, the same both times; bare nine-digit runs are not taken.
const SSN = /(?<![\w.-])(\d{3})([- ])(\d{2})\2(\d{4})(?!\w|[-. ]\d)/g;

function detectSsns(text: string, out: PiiMatch[]): void {
  SSN.lastIndex = 0;
  for (let m = SSN.exec(text); m !== null; m = SSN.exec(text)) {
    const area = m[1] as string;
    if (area === "000" || area === "666" || area[0] === "9" || m[3] === "00" || m[4] === "0000") continue;
    out.push({ kind: "ssn", start: m.index, end: m.index + m[0].length });
  }
}

// ---------------------------------------------------------------- IPv4

// A letter or dot before the address means a version ("v1.2.3.4") or a longer
// dotted number; so does a dot and digit after it.
const IPV4 = /(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?!\w|\.\d)/g;

function validOctet(s: string): boolean {
  return (s.length === 1 || s[0] !== "0") && Number(s) <= 255;
}

function detectIpv4(text: string, out: PiiMatch[]): void {
  IPV4.lastIndex = 0;
  for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text)) {
    if ([m[1], m[2], m[3], m[4]].every((o) => validOctet(o as string))) {
      out.push({ kind: "ipv4", start: m.index, end: m.index + m[0].length });
    }
  }
}

// ---------------------------------------------------------------- IPv6

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function isIpv6Char(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) || c === COLON || c === DOT;
}

function validIpv6(s: string): boolean {
  if (s.length < 3 || s.length > 45) return false;
  // Cheap shape check before splitting: times and labels ("12:30:45",
  // "Note:") have too few colons for an address without "::".
  const compressed = s.includes("::");
  let colons = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === COLON) colons++;
  if (!compressed && colons !== 7 && !(colons === 6 && s.includes("."))) return false;
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
  let count = groups.length;
  const last = groups[groups.length - 1];
  if (last !== undefined && last.includes(".")) {
    const quad = DOTTED_QUAD.exec(last);
    if (!quad || !quad.slice(1).every(validOctet)) return false;
    groups.pop();
    count += 1;
  }
  if (!groups.every((g) => HEX_GROUP.test(g))) return false;
  if (compressed ? count > 7 : count !== 8) return false;
  // Compressed forms are where code and prose collide ("A::B", "x[1::2]"):
  // ask for a digit and a group of at least three characters, which real
  // addresses have ("2001:db8::1", "fe80::1"). This also leaves out "::1".
  if (!/\d/.test(s)) return false;
  return !compressed || groups.some((g) => g.length >= 3);
}

/**
 * Anchored on ":": the candidate is the whole run of hex digits, dots and
 * colons around it, set off from any word. A run is skipped once read, so
 * each character is looked at no more than twice.
 */
function detectIpv6(text: string, out: PiiMatch[]): void {
  for (let colon = text.indexOf(":"); colon >= 0;) {
    let start = colon;
    while (start > 0 && isIpv6Char(text.charCodeAt(start - 1))) start--;
    let end = colon + 1;
    while (end < text.length && isIpv6Char(text.charCodeAt(end))) end++;
    const runEnd = end;
    if (!isWordChar(text.charCodeAt(start - 1)) && !isWordChar(text.charCodeAt(end))) {
      // Trailing punctuation: "… at 2001:db8::1." or "2001:db8::1: refused".
      while (end > start && text.charCodeAt(end - 1) === DOT) end--;
      if (text.charCodeAt(end - 1) === COLON && text.charCodeAt(end - 2) !== COLON) end--;
      if (end - start <= 45 && validIpv6(text.slice(start, end))) out.push({ kind: "ipv6", start, end });
    }
    colon = text.indexOf(":", runEnd);
  }
}

// ---------------------------------------------------------------- IBAN

// Lengths from the SWIFT IBAN registry.
// prettier-ignore
const IBAN_LENGTH: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30,
  KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20,
  MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22,
  RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

// The country fixes the length, so the pattern is built per length with the
// end boundary inside it: only exact-length candidates reach code, where
// mod-97 decides. Each repetition consumes " X" or "X": one way to match.
const IBAN = (() => {
  const byLength = new Map<number, string[]>();
  for (const [country, length] of Object.entries(IBAN_LENGTH)) {
    byLength.set(length, [...(byLength.get(length) ?? []), country]);
  }
  const shapes = [...byLength].map(
    ([length, countries]) => `(?:${countries.join("|")})\\d{2}(?: ?[A-Z0-9]){${length - 4}}`,
  );
  return new RegExp(`(?<![A-Za-z0-9])(?:${shapes.join("|")})(?![A-Za-z0-9])`, "gi");
})();

function ibanChecksumValid(iban: string): boolean {
  const compact = iban.replace(/ /g, "").toUpperCase();
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    rem = isDigit(c) ? (rem * 10 + (c - 0x30)) % 97 : (rem * 100 + (c - 0x41 + 10)) % 97;
  }
  return rem === 1;
}

function detectIbans(text: string, out: PiiMatch[]): void {
  IBAN.lastIndex = 0;
  for (let m = IBAN.exec(text); m !== null; m = IBAN.exec(text)) {
    if (ibanChecksumValid(m[0])) out.push({ kind: "iban", start: m.index, end: m.index + m[0].length });
  }
}

// ---------------------------------------------------------------- API secrets

// No lookbehind in front (it makes the engine try every position): a match
// that turns out to sit inside a longer token is dropped in code, and the
// scan resumes after that token so it is never reread. Every unbounded
// quantifier ends the pattern, so a failed attempt never backtracks over a
// long run; JWTs, which need a dot after a run, are therefore read in code.
const SECRET =
  /sk-[A-Za-z0-9_-]{20,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|xox[abposr]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])|AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])|eyJ/g;
// The token, not the word: "Authorization: Bearer [SECRET]".
const BEARER = /\bbearer[ \t]+([A-Za-z0-9._~+/-]{20,}=*)/gi;

function isTokenChar(c: number): boolean {
  return isWordChar(c) || c === HYPHEN;
}

function tokenEnd(text: string, i: number): number {
  while (isTokenChar(text.charCodeAt(i))) i++;
  return i;
}

/** End of a JWT (three base64url parts, the second also a JSON object) starting at `start`, or -1. */
function jwtEnd(text: string, start: number): number {
  let i = start;
  for (let part = 0; part < 3; part++) {
    const end = tokenEnd(text, i);
    if (end - i < 13) return -1;
    if (part === 2) return end;
    if (text.charCodeAt(end) !== DOT || (part === 0 && !text.startsWith("eyJ", end + 1))) return -1;
    i = end + 1;
  }
  return -1;
}

/**
 * Keys are random; kebab-case words that share a prefix ("sk-learn-…") are
 * not. A digit, plus an uppercase letter or 16 letters and digits in a row.
 */
function looksRandom(token: string): boolean {
  if (!/\d/.test(token)) return false;
  return /[A-Z]/.test(token) || /[A-Za-z0-9]{16}/.test(token);
}

function detectSecrets(text: string, out: PiiMatch[]): void {
  SECRET.lastIndex = 0;
  for (let m = SECRET.exec(text); m !== null; m = SECRET.exec(text)) {
    const start = m.index;
    const token = m[0];
    if (isTokenChar(text.charCodeAt(start - 1))) {
      SECRET.lastIndex = tokenEnd(text, start);
    } else if (token === "eyJ") {
      const end = jwtEnd(text, start);
      if (end >= 0) out.push({ kind: "api_secret", start, end });
      SECRET.lastIndex = end >= 0 ? end : tokenEnd(text, start);
    } else if (/^(?:AKIA|ASIA|AIza)/.test(token) || looksRandom(token)) {
      // AWS and Google key shapes are specific enough on their own.
      out.push({ kind: "api_secret", start, end: start + token.length });
    }
  }
  BEARER.lastIndex = 0;
  for (let m = BEARER.exec(text); m !== null; m = BEARER.exec(text)) {
    const token = m[1] as string;
    if (looksRandom(token)) {
      const end = m.index + m[0].length;
      out.push({ kind: "api_secret", start: end - token.length, end });
    }
  }
}

// ---------------------------------------------------------------- public API

const ANY_DIGIT = /\d/;

/**
 * Every PII span in `text`, sorted and non-overlapping. Where detections
 * overlap, the earliest (then longest) keeps its kind and is widened to cover
 * the other, so redaction never leaves part of a detected value behind.
 */
export function detectPii(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  detectEmails(text, found);
  detectSecrets(text, found);
  // Every other kind contains a digit (IPv6 because validIpv6 asks for one).
  if (ANY_DIGIT.test(text)) {
    detectNumbers(text, found);
    detectSsns(text, found);
    detectIpv4(text, found);
    detectIpv6(text, found);
    detectIbans(text, found);
  }
  if (found.length < 2) return found;
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: PiiMatch[] = [found[0] as PiiMatch];
  for (let k = 1; k < found.length; k++) {
    const m = found[k] as PiiMatch;
    const prev = merged[merged.length - 1] as PiiMatch;
    if (m.start >= prev.end) merged.push(m);
    else if (m.end > prev.end) prev.end = m.end;
  }
  return merged;
}

function redactInto(text: string, kinds: Set<PiiKind>): string {
  const matches = detectPii(text);
  if (matches.length === 0) return text;
  let result = "";
  let at = 0;
  for (const m of matches) {
    result += text.slice(at, m.start) + PLACEHOLDER[m.kind];
    kinds.add(m.kind);
    at = m.end;
  }
  return result + text.slice(at);
}

function sorted(kinds: Set<PiiKind>): PiiKind[] {
  return [...kinds].sort();
}

export function redactText(text: string): { text: string; kinds: PiiKind[] } {
  const kinds = new Set<PiiKind>();
  const redacted = redactInto(text, kinds);
  return { text: redacted, kinds: sorted(kinds) };
}

type Container = unknown[] | Record<string, unknown>;

function isContainer(value: unknown): value is Container {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function assign(target: Container, key: string | number, value: unknown): void {
  if (Array.isArray(target)) {
    target.push(value);
  } else if (key === "__proto__") {
    // A plain assignment would set the copy's prototype instead of a key.
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key as string] = value;
  }
}

/**
 * A redacted copy of a JSON-like value: every string inside arrays and plain
 * objects is redacted, keys are kept as they are, anything else (numbers,
 * Dates, class instances) is passed through. Iterative, so deep nesting cannot
 * overflow the stack; shared and cyclic references are copied once and keep
 * their shape. The input is never modified.
 */
export function redactValue(value: unknown): { value: unknown; kinds: PiiKind[] } {
  const kinds = new Set<PiiKind>();
  const leaf = (v: unknown) => (typeof v === "string" ? redactInto(v, kinds) : v);
  if (!isContainer(value)) return { value: leaf(value), kinds: sorted(kinds) };

  type Frame = { source: Container; target: Container; keys: string[] | null; next: number };
  const copies = new Map<Container, Container>();
  const open = (source: Container): Frame => {
    const target: Container = Array.isArray(source) ? [] : {};
    copies.set(source, target);
    // Keys in sorted order: JSON's meaning and jsonb's storage do not depend on it, and a copy in
    // canonical order is digested by the native JSON.stringify (lib/audit/canonical.ts).
    return { source, target, keys: Array.isArray(source) ? null : Object.keys(source).sort(), next: 0 };
  };
  const root = open(value);
  const stack: Frame[] = [root];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const size = frame.keys ? frame.keys.length : (frame.source as unknown[]).length;
    if (frame.next >= size) {
      stack.pop();
      continue;
    }
    const key = frame.keys ? (frame.keys[frame.next] as string) : frame.next;
    frame.next++;
    const child = (frame.source as Record<string | number, unknown>)[key];
    if (!isContainer(child)) {
      assign(frame.target, key, leaf(child));
      continue;
    }
    const existing = copies.get(child);
    if (existing) {
      assign(frame.target, key, existing);
    } else {
      const childFrame = open(child);
      assign(frame.target, key, childFrame.target);
      stack.push(childFrame);
    }
  }
  return { value: root.target, kinds: sorted(kinds) };
}
