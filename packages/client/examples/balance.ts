/**
 * Prints who a token belongs to and its credit balance.
 *
 *   MINI_STUDIO_TOKEN=ms_tok_… pnpm --filter @mini-studio/client example:balance
 *
 * MINI_STUDIO_URL defaults to http://localhost:3000.
 */
import { appErrorCode, createMiniStudioClient } from "../src/index";

const baseUrl = process.env.MINI_STUDIO_URL?.trim() || "http://localhost:3000";
const token = process.env.MINI_STUDIO_TOKEN?.trim();

if (!token) {
  console.error("MINI_STUDIO_TOKEN is not set. Create an API token in the studio (auth.tokens.create) and export it.");
  process.exit(1);
}

try {
  const client = createMiniStudioClient({ baseUrl, token });
  const [me, { balance }] = await Promise.all([client.auth.me.query(), client.credits.balance.query()]);
  console.log(`user: ${me.user.email}`);
  console.log(`balance: ${balance} credits`);
} catch (error) {
  const code = appErrorCode(error);
  if (code === "UNAUTHORIZED") {
    console.error(`The studio at ${baseUrl} refused the token (revoked, expired or mistyped). Create a new one.`);
  } else {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`Could not read the balance from ${baseUrl}${code ? ` (${code})` : ""}: ${reason}`);
  }
  process.exit(1);
}
