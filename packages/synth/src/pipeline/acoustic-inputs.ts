import { Tensor } from "onnxruntime-node";
import { SynthError } from "../errors";
import { type Voicebank } from "../voicebank";

/** DiffSinger's usual sampling settings when a bank leaves them to the caller (OpenUtau's defaults). */
const DEFAULT_STEPS = 20;
const DEFAULT_SPEEDUP = 10;

export type AcousticPhrase = { phonemes: string[]; durations: Int32Array; f0: Float32Array; lang: string; speaker?: string };

/**
 * Exactly the inputs the bank's acoustic model declares, each with the element type and rank its
 * metadata gives (a scalar `speedup` may be [] or [1] depending on the export).
 */
export function acousticFeeds(voice: Voicebank, phrase: AcousticPhrase): Record<string, Tensor> {
  const { phonemes, durations, f0, lang } = phrase;
  const n = phonemes.length;
  const frames = f0.length;
  const feeds: Record<string, Tensor> = {
    tokens: new Tensor("int64", BigInt64Array.from(voice.phonemeIds(phonemes, lang), BigInt), [1, n]),
    durations: new Tensor("int64", BigInt64Array.from(durations, (d) => BigInt(d)), [1, n]),
    f0: new Tensor("float32", f0, [1, frames]),
  };
  const scalar = (name: string, type: "int64" | "float32", value: number) => {
    const dims = voice.acousticInputs[name]?.dims.length === 0 ? [] : [1];
    feeds[name] = type === "int64" ? new Tensor("int64", BigInt64Array.of(BigInt(Math.round(value))), dims) : new Tensor("float32", Float32Array.of(value), dims);
  };
  const curve = (name: string, value: number) => {
    feeds[name] = new Tensor("float32", new Float32Array(frames).fill(value), [1, frames]);
  };
  for (const name of Object.keys(voice.acousticInputs)) {
    switch (name) {
      case "tokens":
      case "durations":
      case "f0":
        break;
      case "languages":
        feeds.languages = new Tensor("int64", BigInt64Array.from(voice.languageIds(phonemes, lang), BigInt), [1, n]);
        break;
      case "steps":
        scalar("steps", "int64", DEFAULT_STEPS);
        break;
      case "speedup":
        scalar("speedup", "int64", DEFAULT_SPEEDUP);
        break;
      case "depth": {
        const depth = voice.config.maxDepth ?? 1;
        // Continuous-acceleration exports take a 0..1 float; older ones an integer step count out of 1000.
        if (voice.acousticInputs.depth!.type === "float32") scalar("depth", "float32", depth);
        else scalar("depth", "int64", Math.floor((depth * 1000) / DEFAULT_SPEEDUP) * DEFAULT_SPEEDUP);
        break;
      }
      case "spk_embed":
        feeds.spk_embed = speakerEmbedding(voice, phrase.speaker, frames);
        break;
      // Without a variance model, the neutral value of each curve (OpenUtau's defaults).
      case "gender":
        curve("gender", 0);
        break;
      case "velocity":
        curve("velocity", 1);
        break;
      case "energy":
      case "breathiness":
      case "voicing":
      case "tension":
        curve(name, 0);
        break;
      default:
        throw new SynthError("BROKEN_VOICEBANK", `The voice "${voice.name}" asks for an acoustic input "${name}" the studio cannot provide.`, { input: name });
    }
  }
  return feeds;
}

function speakerEmbedding(voice: Voicebank, name: string | undefined, frames: number): Tensor {
  const speaker = name === undefined ? voice.speakers[0] : voice.speakers.find((s) => s.name === name);
  if (!speaker) {
    throw new SynthError("INVALID_INPUT", `The voice "${voice.name}" has no speaker "${name}". Its speakers are: ${voice.speakers.map((s) => s.name).join(", ")}.`, {
      speakers: voice.speakers.map((s) => s.name),
    });
  }
  const size = speaker.embedding.length;
  const data = new Float32Array(frames * size);
  for (let t = 0; t < frames; t++) data.set(speaker.embedding, t * size);
  return new Tensor("float32", data, [1, frames, size]);
}
