import { describe, expect, it } from "vitest";
import { parseJson } from "@/lib/http/read-json";

const bad = (bytes: Buffer, message: RegExp) => {
  expect(() => parseJson(bytes)).toThrow(message);
  try {
    parseJson(bytes);
  } catch (err) {
    expect((err as { code?: string }).code).toBe("BAD_REQUEST");
  }
};

describe("parseJson", () => {
  it("parses UTF-8 JSON, multi-byte characters included", () => {
    expect(parseJson(Buffer.from('{"a":"Orders → Help ü 😀"}'))).toEqual({ a: "Orders → Help ü 😀" });
  });

  it("accepts a leading byte-order mark, as a decoding TextDecoder did", () => {
    expect(parseJson(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]))).toEqual({ a: 1 });
  });

  it("refuses bytes that are not UTF-8: a stray byte, an overlong form, a lone surrogate, a cut sequence", () => {
    for (const b of [[0x7b, 0xff, 0x7d], [0x22, 0xc0, 0xaf, 0x22], [0x22, 0xed, 0xa0, 0x80, 0x22], [0x22, 0xe2, 0x86]]) {
      bad(Buffer.from(b), /not valid UTF-8/);
    }
  });

  it("refuses empty and blank bodies, and malformed JSON, as the client's fault", () => {
    bad(Buffer.alloc(0), /empty/);
    bad(Buffer.from(" \n\t "), /empty/);
    bad(Buffer.from("{nope"), /Malformed JSON/);
    bad(Buffer.from("[".repeat(200_000)), /Malformed JSON/);
  });
});
