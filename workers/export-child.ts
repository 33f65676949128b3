// The process one export's file is written in: forked by the worker
// (lib/exports/run-export.ts) with a capped heap, it streams the records into
// the temporary file and reports progress and the outcome over IPC, then
// exits, so the memory an export takes is given back when it ends and never
// adds to the worker's own. Loads plain pg and the export code only (no
// Prisma, queues or Redis). Exits when the worker goes away.
import "@/workers/load-env";
import pg from "pg";
import { config } from "@/lib/config";
import {
  ExportCancelled,
  writeExportFile,
  type ChildMessage,
  type ParentMessage,
  type WriteExportJob,
} from "@/lib/exports/write-export";

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

const usage = () => {
  const cpu = process.cpuUsage();
  return { peakRssKb: process.resourceUsage().maxRSS, cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
};

let finished = false;

async function run(job: WriteExportJob) {
  const url = config().DATABASE_URL;
  const reader = new pg.Client({ connectionString: url, application_name: "rampart-export" });
  const progress = new pg.Client({ connectionString: url, application_name: "rampart-export-progress" });
  try {
    await Promise.all([reader.connect(), progress.connect()]);
    const written = await writeExportFile(reader, progress, job, (p) => send({ type: "progress", progress: p }));
    await send({ type: "done", written, usage: usage() });
  } catch (err) {
    if (err instanceof ExportCancelled) await send({ type: "cancelled", usage: usage() });
    else await send({ type: "error", message: (err as Error).message, usage: usage() });
  } finally {
    await Promise.allSettled([reader.end(), progress.end()]);
  }
}

// Orphaned (the worker died or was stopped): stop too; the job is retried from scratch.
process.on("disconnect", () => {
  if (!finished) process.exit(1);
});
process.once("message", (message: ParentMessage) => {
  if (message.type !== "start") return;
  run(message.job)
    .catch(async (err: unknown) => {
      await send({ type: "error", message: (err as Error).message, usage: usage() });
    })
    .finally(() => {
      finished = true;
      process.disconnect?.();
    });
});
