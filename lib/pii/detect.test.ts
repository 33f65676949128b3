import { describe, expect, it } from "vitest";
import { detectPii, redactText, redactValue, type PiiKind } from "./detect";

/** What a reviewer would see flagged: each kind with the exact text it covers. */
function found(text: string): Array<[PiiKind, string]> {
  return detectPii(text).map((m) => [m.kind, text.slice(m.start, m.end)]);
}

type Case = [text: string, expected: Array<[PiiKind, string]>];

function table(cases: Case[]) {
  it.each(cases)("%j", (text, expected) => {
    expect(found(text)).toEqual(expected);
  });
}

describe("email", () => {
  describe("flags", () =>
    table([
      [
        "Call me at +44 20 7946 0958 or mail jane.doe@example.co.uk",
        [
          ["phone", "+44 20 7946 0958"],
          ["email", "jane.doe@example.co.uk"],
        ],
      ],
      ["<john+tag@mail.example.com>", [["email", "john+tag@mail.example.com"]]],
      ["Write to SUPPORT@EXAMPLE.ORG.", [["email", "SUPPORT@EXAMPLE.ORG"]]],
      ["mailto:a_b%c@x-y.io?subject=hi", [["email", "a_b%c@x-y.io"]]],
    ]));
  describe("leaves alone", () =>
    table([
      ["ping @username on the thread", []],
      // No dot-separated domain with an alphabetic TLD: not a deliverable address.
      ["user@localhost", []],
      ["a@b.c", []],
      ["npm i @scope/pkg@1.2.3", []],
    ]));
});

describe("phone", () => {
  describe("flags", () =>
    table([
      ["+44 20 7946 0958", [["phone", "+44 20 7946 0958"]]],
      ["+1 (415) 555-2671", [["phone", "+1 (415) 555-2671"]]],
      ["+44 (0)20 7946 0958", [["phone", "+44 (0)20 7946 0958"]]],
      ["+33 1 23 45 67 89", [["phone", "+33 1 23 45 67 89"]]],
      ["tel:+49-30-1234567", [["phone", "+49-30-1234567"]]],
      ["whatsapp +14155552671 anytime", [["phone", "+14155552671"]]],
      ["(415) 555-2671", [["phone", "(415) 555-2671"]]],
      [
        "415-555-2671 or 415.555.2672",
        [
          ["phone", "415-555-2671"],
          ["phone", "415.555.2672"],
        ],
      ],
      ["1-800-555-0199", [["phone", "1-800-555-0199"]]],
      ["020 7946 0958", [["phone", "020 7946 0958"]]],
      ["01 23 45 67 89", [["phone", "01 23 45 67 89"]]],
      ["555-0199", [["phone", "555-0199"]]],
      ["ref 12 (415) 555-2671", [["phone", "(415) 555-2671"]]],
      [
        "415-555-2671 555-123-4567",
        [
          ["phone", "415-555-2671"],
          ["phone", "555-123-4567"],
        ],
      ],
    ]));
  describe("leaves alone", () =>
    table([
      ["founded in 2024", []],
      ["the 2023-2024 season, 1999 2000 2001", []],
      ["costs $1,299.99 or € 1.299,00", []],
      ["Order #123456 and order 12-3456", []],
      ["version 1.2.3, v10.15.7, Windows 10.0.19045.2965", []],
      ["2024-01-15, 15.01.2024, 01/15/2024", []],
      ["12:30:45 and 2024-01-15T12:30:45Z", []],
      ["2024-01-15 12:30 deploy", []],
      ["unix 1700000000, compact 20240115123045", []],
      ["10 000 000 users, 123.456.789 rows", []],
      ["ISBN 978-3-16-148410-0", []],
      ["550e8400-e29b-41d4-a716-446655440000", []],
      ["numbers 1, 2, 3, 4, 5, 6, 7, 8 and 1 2 3 4 5 6 7 8 9 10", []],
      ["+1 more thing; 1 + 1 = 2", []],
    ]));
});

describe("card", () => {
  describe("flags (Luhn-valid test numbers)", () =>
    table([
      ["4111 1111 1111 1111", [["card", "4111 1111 1111 1111"]]],
      ["4111-1111-1111-1111", [["card", "4111-1111-1111-1111"]]],
      ["card=4111111111111111;", [["card", "4111111111111111"]]],
      [
        "MC 5555 5555 5555 4444, Amex 3782 822463 10005",
        [
          ["card", "5555 5555 5555 4444"],
          ["card", "3782 822463 10005"],
        ],
      ],
      ["Discover 6011111111111117.", [["card", "6011111111111117"]]],
      ["Card 4111111111111111 exp 12/25 cvc 123", [["card", "4111111111111111"]]],
      ["qty 2 4111 1111 1111 1111", [["card", "4111 1111 1111 1111"]]],
      [
        "4111 1111 1111 1111 4012 8888 8888 1881",
        [
          ["card", "4111 1111 1111 1111"],
          ["card", "4012 8888 8888 1881"],
        ],
      ],
    ]));
  describe("leaves alone", () =>
    table([
      // One digit changed: the Luhn sum fails, and nothing else claims it.
      ["4111 1111 1111 1112", []],
      ["4111-1111-1111-1112", []],
      ["4111111111111112", []],
      // Luhn-valid but no card issuer starts with 1 or 9: ms timestamps, ids.
      ["at 1700000000129 id 9876543210987658", []],
      ["big = 12345678901234567890n", []],
      ["pi 3.14159265358979", []],
    ]));
});

describe("iban", () => {
  describe("flags", () =>
    table([
      ["IBAN GB82 WEST 1234 5698 7654 32, thanks", [["iban", "GB82 WEST 1234 5698 7654 32"]]],
      ["GB82WEST12345698765432", [["iban", "GB82WEST12345698765432"]]],
      ["DE89 3704 0044 0532 0130 00", [["iban", "DE89 3704 0044 0532 0130 00"]]],
      ["FR14 2004 1010 0505 0001 3M02 606", [["iban", "FR14 2004 1010 0505 0001 3M02 606"]]],
      ["nl91abna0417164300", [["iban", "nl91abna0417164300"]]],
    ]));
  describe("leaves alone", () =>
    table([
      ["GB82WEST12345698765433", []],
      ["GB82WEST123456987654", []],
      ["XX82WEST12345698765432", []],
      ["GB82WEST12345698765432X", []],
    ]));
});

describe("ssn", () => {
  describe("flags", () =>
    table([
      ["SSN 123-45-6789.", [["ssn", "123-45-6789"]]],
      ["078-05-1120", [["ssn", "078-05-1120"]]],
      ["ssn: 123 45 6789", [["ssn", "123 45 6789"]]],
    ]));
  describe("leaves alone (invalid ranges and other shapes)", () =>
    table([
      ["000-12-3456", []],
      ["666-12-3456", []],
      ["900-12-3456 and 987-65-4321", []],
      ["123-00-4567", []],
      ["123-45-0000", []],
      ["123456789", []],
      ["123-45-6789-0 and A123-45-6789", []],
      // Mixed punctuation is not an SSN, and 3-2-4 is never read as a phone.
      ["123-45 6789", []],
    ]));
});

describe("ipv4", () => {
  describe("flags", () =>
    table([
      ["from 192.168.0.1 today", [["ipv4", "192.168.0.1"]]],
      ["dial 10.0.0.1:8080.", [["ipv4", "10.0.0.1"]]],
      ["255.255.255.255/32", [["ipv4", "255.255.255.255"]]],
    ]));
  describe("leaves alone", () =>
    table([
      ["999.1.1.1 and 256.1.1.1", []],
      ["1.2.3 and 1.2.3.4.5", []],
      // Decision: a letter before it makes a dotted quad a version, not an address.
      ["upgrade to v1.2.3.4", []],
      ["192.168.01.1", []],
      ["999.999.999.999", []],
    ]));
});

describe("ipv6", () => {
  describe("flags", () =>
    table([
      ["2001:db8::1 vs 12:30:45", [["ipv6", "2001:db8::1"]]],
      ["2001:0db8:85a3:0000:0000:8a2e:0370:7334", [["ipv6", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"]]],
      ["fe80::1ff:fe23:4567:890a%eth0", [["ipv6", "fe80::1ff:fe23:4567:890a"]]],
      ["http://[2001:db8::1]:443/", [["ipv6", "2001:db8::1"]]],
      ["mapped ::ffff:192.168.0.1.", [["ipv6", "::ffff:192.168.0.1"]]],
      ["peer 2001:db8::1: connection refused", [["ipv6", "2001:db8::1"]]],
    ]));
  describe("leaves alone", () =>
    table([
      ["12:30:45, 10:30 and 2024-01-15T12:30:45", []],
      ["std::vector, A::B, x[1::2], Foo::bar()", []],
      // Loopback carries nothing about a person.
      ["localhost is ::1", []],
      ["MAC 00:1A:2B:3C:4D:5E", []],
      ["2001:db8::1::2", []],
      ["1:2:3:4:5:6:7:8:9", []],
    ]));
});

describe("api_secret", () => {
  const openai = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
  const github = "ghp_" + "0123456789abcdefghijABCDEFGHIJ012345";
  const stripe = "sk_live_" + "51H8aBcDeFgHiJkLmNoPqRsT";
  const slack = "xoxb-" + "1234567890-0987654321-AbCdEfGhIjKlMnOp";
  const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
  describe("flags", () =>
    table([
      [`OPENAI_API_KEY=${openai}`, [["api_secret", openai]]],
      [`token ${github} expired`, [["api_secret", github]]],
      [`stripe: ${stripe}`, [["api_secret", stripe]]],
      [`slack ${slack}`, [["api_secret", slack]]],
      ["aws AKIAIOSFODNN7EXAMPLE key", [["api_secret", "AKIAIOSFODNN7EXAMPLE"]]],
      // The token, not the scheme, so the header stays readable.
      [`Authorization: Bearer ${jwt}`, [["api_secret", jwt]]],
      ["authorization: bearer abcDEF1234567890ghijklmnop", [["api_secret", "abcDEF1234567890ghijklmnop"]]],
    ]));
  describe("leaves alone", () =>
    table([
      ["pip install sk-learn-compatibility-matrix-2023", []],
      [`task-${openai.slice(3)} is a slug`, []],
      ["ghp_short and AKIA1234", []],
      ["AKIAIOSFODNN7EXAMPLEX", []],
      ["Bearer token required; use Bearer authentication-is-required-here", []],
    ]));
});

// Trade-offs chosen on purpose: where a shape is ambiguous the scanner leans
// towards redacting, except where that would hit everyday numbers and code.
describe("documented limits", () => {
  describe("over-redaction accepted", () =>
    table([
      // A bare dotted quad of valid octets is indistinguishable from an address.
      ["see section 1.2.3.4", [["ipv4", "1.2.3.4"]]],
      // 7–12 digits in space- or hyphen-separated groups read as a phone
      // (Indonesian mobiles are 4-4-4), even inside a broken IBAN.
      ["GB82 WEST 1234 5698 7654 33", [["phone", "1234 5698 7654"]]],
      ["the range 100-200-300-400", [["phone", "100-200-300-400"]]],
      // An SSH remote has the shape of an address.
      ["git@github.com:org/repo.git", [["email", "git@github.com"]]],
    ]));
  describe("misses accepted", () =>
    table([
      // National numbers without separators are ids as often as phones.
      ["id 4155552671", []],
      // Compressed IPv6 needs a digit; loopback is not personal.
      ["dead:beef::cafe and ::1", []],
      // ASCII addresses only.
      ["jürgen@münchen.de", []],
      // Phones written in 3-digit groups look like thousands.
      ["612 345 678", []],
    ]));
});

describe("redactText", () => {
  it("replaces each match with its placeholder and lists the kinds", () => {
    expect(redactText("Call me at +44 20 7946 0958 or mail jane.doe@example.co.uk")).toEqual({
      text: "Call me at [PHONE] or mail [EMAIL]",
      kinds: ["email", "phone"],
    });
  });

  it("uses one placeholder per kind and sorts the distinct kinds", () => {
    const text =
      "ip 2001:db8::1, ssn 123-45-6789, key AKIAIOSFODNN7EXAMPLE, card 4111 1111 1111 1111, " +
      "iban GB82 WEST 1234 5698 7654 32, host 10.0.0.1, mail a@b.io, again a@b.io";
    expect(redactText(text)).toEqual({
      text: "ip [IP], ssn [SSN], key [SECRET], card [CARD], iban [IBAN], host [IP], mail [EMAIL], again [EMAIL]",
      kinds: ["api_secret", "card", "email", "iban", "ipv4", "ipv6", "ssn"],
    });
  });

  it("returns text without PII unchanged", () => {
    const text = "Upgrade to v2.4.1 before 2024-06-30; it costs $1,299.99 at 12:30.";
    expect(redactText(text)).toEqual({ text, kinds: [] });
  });

  it("widens overlapping detections so nothing is left half-redacted", () => {
    // The IPv4 inside the IPv6 address is covered by the longer match.
    expect(redactText("::ffff:10.1.2.3 up")).toEqual({ text: "[IP] up", kinds: ["ipv6"] });
    const matches = detectPii("x ::ffff:10.1.2.3 y");
    expect(matches).toEqual([{ kind: "ipv6", start: 2, end: 17 }]);
  });
});

describe("redactValue", () => {
  const chat = () => [
    { role: "system", content: "You are a helpful assistant." },
    {
      role: "user",
      content: [
        { type: "text", text: "My card is 4111 1111 1111 1111, call +1 (415) 555-2671" },
        { type: "image_url", image_url: { url: "https://cdn.example.com/receipt.png" } },
      ],
    },
    {
      role: "assistant",
      content: "Thanks! I'll email jane@example.com.",
      meta: { tokens: 42, cached: false, tool: null },
    },
  ];

  it("redacts every string in nested chat messages and keeps everything else", () => {
    const { value, kinds } = redactValue(chat());
    expect(value).toEqual([
      { role: "system", content: "You are a helpful assistant." },
      {
        role: "user",
        content: [
          { type: "text", text: "My card is [CARD], call [PHONE]" },
          { type: "image_url", image_url: { url: "https://cdn.example.com/receipt.png" } },
        ],
      },
      { role: "assistant", content: "Thanks! I'll email [EMAIL].", meta: { tokens: 42, cached: false, tool: null } },
    ]);
    expect(kinds).toEqual(["card", "email", "phone"]);
  });

  it("never modifies its input and shares no containers with it", () => {
    const input = chat();
    const before = structuredClone(input);
    const { value } = redactValue(input);
    expect(input).toEqual(before);
    const out = value as typeof input;
    expect(out).not.toBe(input);
    expect(out[1]).not.toBe(input[1]);
    expect(out[1]?.content).not.toBe(input[1]?.content);
  });

  it("leaves object keys alone, only values are redacted", () => {
    expect(redactValue({ "jane@example.com": "jane@example.com" })).toEqual({
      value: { "jane@example.com": "[EMAIL]" },
      kinds: ["email"],
    });
  });

  it("handles bare strings, numbers and null", () => {
    expect(redactValue("mail a@b.io")).toEqual({ value: "mail [EMAIL]", kinds: ["email"] });
    // Only strings are text: a number that happens to pass Luhn stays a number.
    expect(redactValue(4111111111111111)).toEqual({ value: 4111111111111111, kinds: [] });
    expect(redactValue(null)).toEqual({ value: null, kinds: [] });
  });

  it("keeps a parsed __proto__ key as data instead of changing the copy's prototype", () => {
    const parsed: unknown = JSON.parse('{"__proto__": "mail a@b.io", "x": 1}');
    const { value } = redactValue(parsed);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, "__proto__")?.value).toBe("mail [EMAIL]");
    expect(JSON.stringify(value)).toBe('{"__proto__":"mail [EMAIL]","x":1}');
  });

  it("survives very deep nesting and cycles", () => {
    const deep: unknown = JSON.parse("[".repeat(100_000) + '"a@b.io"' + "]".repeat(100_000));
    const { kinds } = redactValue(deep);
    expect(kinds).toEqual(["email"]);

    const cyclic: Record<string, unknown> = { text: "a@b.io" };
    cyclic.self = cyclic;
    const out = redactValue(cyclic).value as Record<string, unknown>;
    expect(out.text).toBe("[EMAIL]");
    expect(out.self).toBe(out);
  });
});

describe("robustness", () => {
  it("never throws on odd strings", () => {
    for (const text of [
      "",
      "\u0000",
      "\uD800",
      "\uDC00a@b.io\uD800",
      "a@b.io\u0000+1 415 555 2671",
      "\uFFFF".repeat(10),
    ]) {
      expect(() => redactText(text)).not.toThrow();
    }
    expect(redactText("\uD800 a@b.io \u0000").text).toBe("\uD800 [EMAIL] \u0000");
  });

  it("returns sorted, non-overlapping spans inside the text for random input", () => {
    // Deterministic generator over characters that the detectors care about.
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = "0123456789 ..--::@+()abcdefABCDEFskx_/#$\uD800\u0000";
    for (let round = 0; round < 300; round++) {
      let text = "";
      for (let i = 0; i < 400; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      const matches = detectPii(text);
      let at = 0;
      for (const m of matches) {
        expect(m.start).toBeGreaterThanOrEqual(at);
        expect(m.end).toBeGreaterThan(m.start);
        at = m.end;
      }
      expect(at).toBeLessThanOrEqual(text.length);
    }
  });
});

describe("linear time on adversarial input", () => {
  const MB = 1 << 20;
  const oneMb = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  // Each unit targets one scanner's worst case: "a@" the e-mail anchor, digits
  // and separators the numeric segments, ":" the IPv6 runs, the rest the
  // secret and IBAN prefixes ("eyJ" without dots once took minutes).
  const units = [
    ...["a@", "a@b", "a.", "aa@aa.", "1", ".", ":", "1.", "1:", "1 ", "1-", "(1", "+1 ", "1.1.1.", "::1"],
    ...["sk-", "xsk-", "github_pat_", "AIza", "eyJ", "xeyJ", "eyJa.", "bearer ", "GB8", "GB82 "],
  ];

  it.each(units)("1 MB of %j takes well under a second", (unit) => {
    const text = oneMb(unit);
    // CPU time of this process, not wall time: a busy machine must not fail
    // the test, while a super-linear scan (minutes on these inputs) still does.
    const started = process.cpuUsage();
    redactText(text);
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(500);
  });

  it("handles a 4 MB mixed document", () => {
    const text = oneMb("Reach me at jane@example.com or +44 20 7946 0958; card 4111 1111 1111 1111. ").repeat(4);
    const started = performance.now();
    const { kinds } = redactText(text);
    expect(kinds).toEqual(["card", "email", "phone"]);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
