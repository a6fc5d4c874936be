/**
 * What a resource keeps in the stack's state. The engine writes every
 * resource's outputs into the checkpoint after each step of a run, so a field
 * that only restates a default is paid for N times per step: at 1,000
 * database users the engine's CPU follows the state's size (docs/performance.md).
 * A resource's model names its defaults once; the provider stores the state
 * without them and reads stored outputs (from this release or any earlier
 * one, which stored them all) back with them filled in.
 */
import { canonicalKey } from "./sets";

/** The value a field has when it is absent from the stored state: an empty list, `false`, `"NONE"`. */
export type StateDefaults<S> = { readonly [K in keyof S]?: S[K] };

/** State → the outputs to store: without the fields equal to their default. */
export function withoutDefaults<S extends object>(state: S, defaults: StateDefaults<S>): Partial<S> {
  const stored: Record<string, unknown> = {};
  const fallbacks: Record<string, unknown> = defaults;
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined) continue;
    if (fallbacks[key] !== undefined && canonicalKey(value) === canonicalKey(fallbacks[key])) continue;
    stored[key] = value;
  }
  return stored as Partial<S>;
}

/** Stored outputs → state: each absent field with a default takes it (a fresh copy, so no two states share a list). */
export function withDefaults<S extends object>(stored: Partial<S>, defaults: StateDefaults<S>): S {
  const state: Record<string, unknown> = { ...stored };
  for (const [key, fallback] of Object.entries(defaults)) {
    if (state[key] === undefined) state[key] = Array.isArray(fallback) ? [...fallback] : fallback;
  }
  return state as S;
}
