import { describe, expect, it } from "vitest";
import { EVENTS_INGESTED, evidenceOf } from "@/lib/audit/evidence";

const id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

describe("evidenceOf", () => {
  it("reads every event an ingest request's audit event names, in order", () => {
    const events = [
      { type: "interaction", id, digest: "a".repeat(64) },
      { type: "outcome", id: id.replace("0190", "0191"), digest: "b".repeat(64) },
    ];
    expect(evidenceOf({ action: EVENTS_INGESTED, targetType: null, targetId: null, metadata: { events } })).toEqual(
      events.map((e) => ({ ...e, encoding: "json" })),
    );
  });

  it("reads how the digests were computed from the request's metadata, and refuses an encoding it does not know", () => {
    const events = [{ type: "interaction", id, digest: "a".repeat(64) }];
    const read = (digestEncoding: string | number) =>
      evidenceOf({ action: EVENTS_INGESTED, targetType: null, targetId: null, metadata: { digestEncoding, events } });
    expect(read("columns-v1")).toEqual([{ ...events[0], encoding: "columns-v1" }]);
    expect(read("columns-v2")).toEqual([expect.objectContaining({ malformed: true })]);
    expect(read(7)).toEqual([expect.objectContaining({ malformed: true })]);
  });

  it("reads the one row of an audit event recorded per row", () => {
    expect(
      evidenceOf({
        action: "verdict.ingested",
        targetType: "verdict",
        targetId: id,
        metadata: { eventId: "v1", digest: "c" },
      }),
    ).toEqual([{ type: "verdict", id, digest: "c", encoding: "json" }]);
  });

  it("vouches for nothing when an audit event is about something else", () => {
    expect(evidenceOf({ action: "flag.changed", targetType: "flag", targetId: id, metadata: { digest: "c" } })).toEqual(
      [],
    );
    expect(
      evidenceOf({ action: "interaction.ingested", targetType: "interaction", targetId: id, metadata: null }),
    ).toEqual([]);
  });

  it("marks entries it cannot read, so verification reports them instead of skipping them", () => {
    const read = evidenceOf({
      action: EVENTS_INGESTED,
      targetType: null,
      targetId: null,
      metadata: {
        events: [
          { type: "interaction", id, digest: "d" },
          { type: "mystery", id, digest: "d" },
          { type: "report", id: 7, digest: "d" },
        ],
      },
    });
    expect(read.map((e) => e.malformed ?? false)).toEqual([false, true, true]);
    expect(
      evidenceOf({ action: EVENTS_INGESTED, targetType: null, targetId: null, metadata: { events: "all of them" } }),
    ).toEqual([expect.objectContaining({ malformed: true })]);
  });
});
