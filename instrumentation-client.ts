// Runs in the browser before any other client code (Next loads it ahead of
// hydration). Zod compiles object parsers with `new Function` and probes for
// that when the first schema is built; the console's CSP forbids eval, so
// the probe was refused and reported as a CSP violation on every page that
// imports a schema module. The browser only reads constants from those
// modules and parses small forms, so the interpreter costs nothing there.
import { z } from "zod";

z.config({ jitless: true });
