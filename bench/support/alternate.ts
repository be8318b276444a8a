/**
 * Times whole commands against each other, alternating, for A/B comparisons of two builds:
 *
 *   pnpm --filter @mini-studio/bench exec tsx support/alternate.ts 20 "node a/studio.cjs analyze x.wav" "node b/studio.cjs analyze x.wav"
 *
 * Each round runs every command once (the order reversed every other round, after one warm-up
 * round), through `sh -c` with its output discarded. It prints each command's median time and the
 * median of its per-round ratios to the first command: on a machine whose speed drifts from one
 * minute to the next, ratios taken within a round drift far less than the times themselves.
 */
import { spawnSync } from "node:child_process";
import { median } from "./stats";

const [roundsArg, ...commands] = process.argv.slice(2);
const rounds = Number(roundsArg);
if (!Number.isInteger(rounds) || rounds < 1 || commands.length === 0) {
  console.error('usage: alternate.ts <rounds> "<command>" ["<command>" ...]');
  process.exit(2);
}

const times = commands.map((): number[] => []);
for (let round = 0; round <= rounds; round++) {
  const order = commands.map((_, i) => i);
  if (round % 2 === 1) order.reverse();
  for (const i of order) {
    const started = process.hrtime.bigint();
    const result = spawnSync("sh", ["-c", `${commands[i]} >/dev/null 2>&1`]);
    if (result.status !== 0) {
      console.error(`failed (exit ${result.status}): ${commands[i]}`);
      process.exit(1);
    }
    if (round > 0) times[i]!.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  process.stderr.write(`\r${round === 0 ? "warm-up" : `round ${round}/${rounds}`}   `);
}
process.stderr.write("\n");

commands.forEach((command, i) => {
  const ratio = median(times[i]!.map((t, k) => t / times[0]![k]!));
  console.log(`${median(times[i]!).toFixed(1).padStart(8)} ms   ${ratio.toFixed(3)} of the first   ${command}`);
});
