import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as sdk from "./index.js";

describe("the package entry", () => {
  it("exports the clients and guard", () => {
    expect(Object.keys(sdk).sort()).toEqual([
      "INGEST_LIMITS",
      "SseParser",
      "createFlagsClient",
      "createTracker",
      "guard",
    ]);
  });

  it("bundles for browsers with no Node built-ins and no other imports", async () => {
    const esbuild = await import("esbuild");
    const result = await esbuild.build({
      entryPoints: [fileURLToPath(new URL("./index.ts", import.meta.url))],
      bundle: true,
      format: "esm",
      platform: "neutral",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const [output] = Object.values(result.metafile.outputs);
    expect(output!.imports).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s+["']node:|require\(/);
  });
});
