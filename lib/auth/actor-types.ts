// Who is acting. Every service function takes one of these.
export type UserActor = {
  kind: "user";
  userId: string;
  email: string;
  name: string;
  /** Organizations in which the user is an owner or admin (admin of every project there). */
  orgAdminOf: readonly string[];
  ip?: string | null;
};

export type ApiKeyActor = {
  kind: "apiKey";
  keyId: string;
  keyName: string;
  projectId: string;
  environmentId: string | null;
  scopes: readonly string[];
  /** Per-key override of the configured request rate limit. */
  rateLimitPerSecond: number | null;
};

export type SystemActor = { kind: "system"; label: string };

export type Actor = UserActor | ApiKeyActor | SystemActor;
