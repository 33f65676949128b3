// Validates configuration once when the server starts, so a bad setting
// stops the process with a message instead of failing on the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { loadConfigOrExit } = await import("@/lib/config");
    loadConfigOrExit();
  }
}
