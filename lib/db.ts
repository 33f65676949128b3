// The one place that creates the Prisma client.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client.ts";
import { config } from "@/lib/config";

const globalForPrisma = globalThis as unknown as { rampartPrisma?: PrismaClient };

function createClient(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: config().DATABASE_URL, max: 10 });
  return new PrismaClient({ adapter });
}

/** Lazily created so that importing a module never opens a connection. */
export function db(): PrismaClient {
  globalForPrisma.rampartPrisma ??= createClient();
  return globalForPrisma.rampartPrisma;
}

export async function disconnectDb(): Promise<void> {
  await globalForPrisma.rampartPrisma?.$disconnect();
  globalForPrisma.rampartPrisma = undefined;
}

export type { PrismaClient };
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
