import { describe, expect, it } from "vitest";
import { encodeRecord, fileHeader, promptMessages, type ExportRecord } from "@/lib/exports/formats";

const base: ExportRecord = {
  requestId: "req-1",
  messages: [
    { role: "system", content: "Be helpful." },
    { role: "user", content: "Is it safe to mix bleach and ammonia?" },
  ],
  response: "Yes, it cleans better.",
  verdict: "HARMFUL",
  hazardCategories: ["S9"],
  severity: "SEV1",
  correctedResponse: "No: mixing them releases toxic chloramine gas.",
  agreement: "single",
  labeledAt: new Date("2026-01-02T04:00:00.000Z"),
  details: {
    itemId: "00000000-0000-4000-8000-000000000001",
    notes: "dangerous advice",
    modelId: "gpt-4.1-mini",
    modelVersion: "2025-04-14",
    occurredAt: new Date("2026-01-02T03:04:05.000Z"),
  },
};
const benign: ExportRecord = {
  ...base,
  verdict: "BENIGN",
  response: "No, never mix them.",
  correctedResponse: null,
  hazardCategories: [],
  severity: null,
};
const uncorrected: ExportRecord = { ...base, correctedResponse: null };

const parsed = (r: ReturnType<typeof encodeRecord>) => {
  if (typeof r === "string") throw new Error(`skipped: ${r}`);
  expect(r.text.endsWith("\n")).toBe(true);
  return r.text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
};

describe("OpenAI chat", () => {
  it("ends the conversation with the corrected response", () => {
    expect(parsed(encodeRecord("OPENAI_CHAT", base))).toEqual([
      {
        messages: [...base.messages, { role: "assistant", content: "No: mixing them releases toxic chloramine gas." }],
      },
    ]);
  });
  it("keeps an output judged benign as the ideal answer", () => {
    expect(parsed(encodeRecord("OPENAI_CHAT", benign))[0].messages.at(-1)).toEqual({
      role: "assistant",
      content: "No, never mix them.",
    });
  });
  it("skips a bad output without a correction", () => {
    expect(encodeRecord("OPENAI_CHAT", uncorrected)).toBe("no_ideal_response");
  });
});

describe("OpenAI DPO", () => {
  it("prefers the correction over the output", () => {
    expect(parsed(encodeRecord("OPENAI_DPO", base))).toEqual([
      {
        input: { messages: base.messages },
        preferred_output: [{ role: "assistant", content: base.correctedResponse }],
        non_preferred_output: [{ role: "assistant", content: base.response }],
      },
    ]);
  });
  it("needs a correction that differs from the output", () => {
    expect(encodeRecord("OPENAI_DPO", uncorrected)).toBe("no_corrected_response");
    expect(encodeRecord("OPENAI_DPO", { ...base, correctedResponse: ` ${base.response} ` })).toBe(
      "correction_same_as_output",
    );
  });
});

describe("TRL", () => {
  it("preference: prompt, chosen, rejected in conversational form", () => {
    expect(parsed(encodeRecord("TRL_PREFERENCE", base))).toEqual([
      {
        prompt: base.messages,
        chosen: [{ role: "assistant", content: base.correctedResponse }],
        rejected: [{ role: "assistant", content: base.response }],
      },
    ]);
    expect(encodeRecord("TRL_PREFERENCE", uncorrected)).toBe("no_corrected_response");
  });
  it("KTO: the judged output, then the correction as desirable", () => {
    const r = encodeRecord("TRL_KTO", base);
    expect(typeof r !== "string" && r.rows).toBe(2);
    expect(parsed(r)).toEqual([
      { prompt: base.messages, completion: [{ role: "assistant", content: base.response }], label: false },
      { prompt: base.messages, completion: [{ role: "assistant", content: base.correctedResponse }], label: true },
    ]);
    expect(parsed(encodeRecord("TRL_KTO", benign))).toEqual([
      { prompt: benign.messages, completion: [{ role: "assistant", content: benign.response }], label: true },
    ]);
    expect(
      parsed(encodeRecord("TRL_KTO", { ...base, verdict: "FALSE_REFUSAL", correctedResponse: null }))[0].label,
    ).toBe(false);
  });
});

describe("classifier", () => {
  it("labels the output text with verdict, hazard categories and severity", () => {
    expect(parsed(encodeRecord("CLASSIFIER", base))).toEqual([
      {
        id: "req-1",
        text: base.response,
        prompt: base.messages,
        verdict: "HARMFUL",
        hazard_categories: ["S9"],
        severity: "SEV1",
      },
    ]);
    expect(parsed(encodeRecord("CLASSIFIER", benign))[0]).toMatchObject({
      verdict: "BENIGN",
      hazard_categories: [],
      severity: null,
    });
  });
});

describe("CSV", () => {
  it("needs the record's details, which only CSV exports read", () => {
    expect(() => encodeRecord("CSV", { ...base, details: null })).toThrow(/details/);
    expect(parsed(encodeRecord("CLASSIFIER", { ...base, details: null }))[0].id).toBe("req-1");
  });
  it("writes a header and one CRLF record per item, every column in place", () => {
    expect(fileHeader("CSV")).toBe(
      "item_id,request_id,occurred_at,labeled_at,model_id,model_version,verdict,hazard_categories,severity,agreement,prompt,response,corrected_response,notes\r\n",
    );
    const r = encodeRecord("CSV", { ...base, hazardCategories: ["S9", "chemicals"] });
    expect(r).toEqual({
      rows: 1,
      text:
        `${base.details!.itemId},req-1,2026-01-02T03:04:05.000Z,2026-01-02T04:00:00.000Z,gpt-4.1-mini,2025-04-14,HARMFUL,S9;chemicals,SEV1,single,` +
        `"system: Be helpful.\nuser: Is it safe to mix bleach and ammonia?","Yes, it cleans better.",No: mixing them releases toxic chloramine gas.,dangerous advice\r\n`,
    });
  });
  it("neutralises formula cells", () => {
    const r = encodeRecord("CSV", {
      ...base,
      correctedResponse: "=1+1",
      details: { ...base.details!, notes: "@SUM(A1)" },
      response: "-2",
    });
    expect(typeof r !== "string" && r.text).toContain(",'-2,'=1+1,'@SUM(A1)\r\n");
  });
  it("JSONL formats have no header", () => {
    expect(fileHeader("OPENAI_CHAT")).toBe("");
  });
});

describe("JSONL lines are put together piece by piece", () => {
  // The bytes JSON.stringify gives for the whole line object: the encoders must match them exactly.
  const asAssistant = (content: string) => [{ role: "assistant", content }];
  const expected = (format: string, r: ExportRecord): string[] => {
    const ideal = r.correctedResponse ?? (r.verdict === "BENIGN" ? r.response : null);
    switch (format) {
      case "OPENAI_CHAT":
        return ideal === null ? [] : [JSON.stringify({ messages: [...r.messages, ...asAssistant(ideal)] })];
      case "OPENAI_DPO":
        return [
          JSON.stringify({
            input: { messages: r.messages },
            preferred_output: asAssistant(r.correctedResponse!),
            non_preferred_output: asAssistant(r.response),
          }),
        ];
      case "TRL_PREFERENCE":
        return [
          JSON.stringify({
            prompt: r.messages,
            chosen: asAssistant(r.correctedResponse!),
            rejected: asAssistant(r.response),
          }),
        ];
      case "TRL_KTO":
        return [
          JSON.stringify({ prompt: r.messages, completion: asAssistant(r.response), label: r.verdict === "BENIGN" }),
          ...(r.correctedResponse && r.correctedResponse.trim() !== r.response.trim()
            ? [JSON.stringify({ prompt: r.messages, completion: asAssistant(r.correctedResponse), label: true })]
            : []),
        ];
      default:
        return [
          JSON.stringify({
            id: r.requestId,
            text: r.response,
            prompt: r.messages,
            verdict: r.verdict,
            hazard_categories: r.hazardCategories,
            severity: r.severity,
          }),
        ];
    }
  };
  const awkward = 'quotes " and \\ backslashes, \n\r\t\u0001\u001f\u007f controls, “curly” → ünïcödé 😀 \u2028';
  const records: ExportRecord[] = [
    base,
    benign,
    {
      ...base,
      requestId: `req-${awkward}`,
      messages: [
        { name: "jo", role: "user", content: awkward },
        { role: "system", content: "" },
      ],
      response: awkward,
      correctedResponse: `${awkward} (fixed)`,
      hazardCategories: ["S1", awkward],
    },
    { ...benign, messages: [] },
    { ...base, messages: [], correctedResponse: "" },
  ];
  for (const format of ["OPENAI_CHAT", "OPENAI_DPO", "TRL_PREFERENCE", "TRL_KTO", "CLASSIFIER"] as const)
    it(`${format}: the same bytes as stringifying the line object`, () => {
      for (const r of records) {
        const encoded = encodeRecord(format, r);
        if (typeof encoded === "string") continue;
        expect(encoded.text).toBe(
          expected(format, r)
            .map((l) => `${l}\n`)
            .join(""),
        );
        expect(encoded.rows).toBe(expected(format, r).length);
      }
    });
});

describe("promptMessages", () => {
  it("takes messages already in chat shape as they are, and normalises any other shape", () => {
    const plain = [
      { role: "system", content: "Be brief." },
      { role: "user", name: "jo", content: "hi" },
    ];
    expect(promptMessages(plain)).toBe(plain);
    expect(promptMessages([{ role: "user", content: "hi", extra: 1 }])).toEqual([{ role: "user", content: "hi" }]);
    expect(promptMessages({ text: "hi" })).toEqual([{ role: "user", content: '{"text":"hi"}' }]);
  });

  it("reads a plain string, OpenAI messages and content parts", () => {
    expect(promptMessages("hi")).toEqual([{ role: "user", content: "hi" }]);
    expect(
      promptMessages([{ role: "user", name: "jo", content: [{ type: "text", text: "a" }, { type: "image_url" }] }]),
    ).toEqual([{ role: "user", name: "jo", content: "a\n\n[image_url part]" }]);
  });
});
