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

/** Whether a value is the default (lists compared as their canonical JSON; `undefined` counts as the default). */
export function isDefaultValue(value: unknown, fallback: unknown): boolean {
  return value === undefined || canonicalKey(value) === canonicalKey(fallback);
}

/** State → the outputs to store: without the fields equal to their default. */
export function withoutDefaults<S extends object>(state: S, defaults: StateDefaults<S>): Partial<S> {
  const stored: Record<string, unknown> = {};
  const fallbacks: Record<string, unknown> = defaults;
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined) continue;
    if (fallbacks[key] !== undefined && isDefaultValue(value, fallbacks[key])) continue;
    stored[key] = value;
  }
  return stored as Partial<S>;
}

/** A default to hand out: a fresh copy of a list, so no two states or outputs share one. */
export function freshDefault<T>(fallback: T): T {
  return (Array.isArray(fallback) ? [...fallback] : fallback) as T;
}

/** Stored outputs → state: each absent field with a default takes it. */
export function withDefaults<S extends object>(stored: Partial<S>, defaults: StateDefaults<S>): S {
  const state: Record<string, unknown> = { ...stored };
  for (const [key, fallback] of Object.entries(defaults)) {
    if (state[key] === undefined) state[key] = freshDefault(fallback);
  }
  return state as S;
}

/**
 * Whether stored outputs hold every defaulted field, as state written before
 * a resource left its defaults out did (the resource's model says whether
 * its short form can ever hold them all).
 */
export function storesEveryDefault<S extends object>(stored: Partial<S>, defaults: StateDefaults<S>): boolean {
  return Object.keys(defaults).every((key) => (stored as Record<string, unknown>)[key] !== undefined);
}
