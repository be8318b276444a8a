// Worker entry: stage 2 of a pipelined effects chain, in place on the gathered signal.
import { parentPort, workerData } from "node:worker_threads";
import { processBlock } from "../effects/chain";
import { chainSteps } from "../effects/catalog";
import { type BlockProcessor } from "../effects/define";
import { planarViews } from "../stream/gather";
import { CONTROL, RING_BLOCKS, type ChainStageData, type ChainStageMessage } from "./chain-stage";
import { serializeError } from "./worker-support";

const send = (message: ChainStageMessage) => parentPort!.postMessage(message);

try {
  runStage(workerData as ChainStageData);
  send({ type: "done" });
} catch (error) {
  send({ type: "failed", error: serializeError(error) });
}

function runStage({ signal, control: controlBuffer, channels: channelCount, frames, sampleRate, effects }: ChainStageData): void {
  const channels = planarViews(signal, channelCount, frames);
  const format = { sampleRate, channels: channelCount };
  const processors: BlockProcessor[] = chainSteps(effects).map(({ definition, params }) => {
    if (definition.kind !== "stream") throw new Error(`unreachable: ${params.type} does not stream`);
    return definition.create(params, format);
  });
  const control = new Int32Array(controlBuffer);
  let blocks = 0;
  let frame = 0;
  for (;;) {
    const seq = Atomics.load(control, CONTROL.seq);
    // `ended` before `published`: once the end is seen, the count read after it is the final one.
    const ended = Atomics.load(control, CONTROL.ended) === 1;
    const published = Atomics.load(control, CONTROL.published);
    if (blocks < published) {
      for (; blocks < published; blocks++) {
        const end = Atomics.load(control, CONTROL.ring + (blocks % RING_BLOCKS));
        processBlock(processors, channels, end - frame, frame);
        frame = end;
        Atomics.store(control, CONTROL.doneFrames, frame);
        Atomics.store(control, CONTROL.doneBlocks, blocks + 1);
        Atomics.notify(control, CONTROL.doneBlocks);
      }
      continue;
    }
    if (ended) return;
    Atomics.wait(control, CONTROL.seq, seq);
  }
}
