/** The presets' names on their own, so that help texts can list them without loading the effects. */
export const EFFECT_PRESET_NAMES = ["vocal_polish", "radio", "hall", "lofi", "podcast"] as const;

export type EffectPresetName = (typeof EFFECT_PRESET_NAMES)[number];
