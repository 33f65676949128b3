import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const serverOnlyModules = [
  "@/lib/db",
  "@/lib/redis",
  "@/lib/auth/options",
  "@/lib/auth/session",
  "@/lib/auth/access",
  "@/lib/queues/producers",
  "@/lib/generated/*",
  "@prisma/*",
  "pg",
  "ioredis",
  "bullmq",
];

const config = [
  { ignores: [".next/**", "node_modules/**", "dist/**", "sdk/dist/**", "lib/generated/**", ".data/**", "next-env.d.ts", "test-results/**", "playwright-report/**"] },
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Client components never reach server-only modules (the `server-only`
    // package guards at build time too; this says so at lint time).
    files: ["components/**/*.tsx"],
    rules: {
      "no-restricted-imports": ["error", { patterns: serverOnlyModules.map((group) => ({ group: [group], message: "Server-only module: call it from a page, action or route instead." })) }],
    },
  },
  {
    // Pages, actions and routes go through lib/ services, never Prisma directly.
    files: ["app/**/*.ts", "app/**/*.tsx"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "@/lib/db", message: "Call a lib/ service; it scopes the query to the actor." }] }],
    },
  },
];
export default config;
