// Stand-in for the `server-only` marker package outside Next (worker bundle,
// CLI scripts, tests): those processes are server-side by definition.
export {};
