// Loads .env for the worker (Next loads it for the web process). Variables
// already in the environment win, as they do in Next.
import { existsSync } from "node:fs";

if (existsSync(".env")) process.loadEnvFile(".env");
