import * as pulumi from "@pulumi/pulumi";
import { freshDefault, type StateDefaults } from "./storedState";

/**
 * The `__provider` text of every resource of this package: a module whose
 * `handler()` returns the *installed* implementation's provider.
 *
 * The dynamic-provider host loads `__provider` with require-from-string and
 * calls `handler()`; the engine stores the text twice with every resource (in
 * its inputs and its outputs, in plain text). So it is written here, not
 * serialized by the SDK's closure serializer (which wrapped each method of a
 * shim object and came to about 1.95 KB): it names nothing but the
 * implementation module (`pulumi-atlas-users/p/<resource>`, the package's
 * short export for `dist/provider/<resource>/provider.js`), about 70 bytes
 * with no space the engine would store twice per resource, holds no secret,
 * and fixes to the implementation reach resources created by older versions
 * (delete and refresh run the `__provider` stored in state).
 *
 * Keep the implementation modules and both export paths backward compatible:
 * states written by every released version call them. Release 0.1.0 stored a
 * serialized shim object whose methods call
 * `require("pulumi-atlas-users/internal/<resource>/provider").provider.<method>(...)`;
 * later releases stored `exports.handler = () => require(<that path>).provider;`,
 * and this one the same through `p/<resource>`. Each module must export
 * `provider` with configure, check, diff, create, read, update, delete.
 */
export function providerText(implModule: string): string {
  return `exports.handler=()=>require(${JSON.stringify(implModule)}).provider`;
}

/**
 * The arguments of `pulumi.CustomResource` for a resource served by the
 * engine's Node.js dynamic-provider host (type
 * `pulumi-nodejs:dynamic/<module>:<type>`), as `pulumi.dynamic.Resource` would
 * register it, with {@link providerText} as its `__provider`:
 * `super(...dynamicResource(impl, name, props, opts, module, type))`.
 *
 * A function, not a base class: the SDK records where a resource was declared
 * by skipping a fixed number of constructor frames (Resource, CustomResource,
 * the resource's class), so a class in between would make every resource's
 * `sourcePosition` point into this package instead of the program, and add
 * one frame to the stack trace the state keeps for each resource.
 */
export function dynamicResource(
  implModule: string,
  name: string,
  props: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions | undefined,
  module: string,
  type: string,
): [string, string, pulumi.Inputs, pulumi.CustomResourceOptions | undefined] {
  if ("__provider" in props) throw new Error("a resource must not define the __provider key");
  return [`pulumi-nodejs:dynamic/${module}:${type}`, name, { ...props, __provider: providerText(implModule) }, opts];
}

/**
 * Gives a resource's outputs the values the stored state leaves out as
 * defaults (`storedState.ts`), so a program reads `[]`, `false` or `"NONE"`
 * where the state holds nothing. Call it at the end of the constructor.
 *
 * In a preview the SDK reports every output the engine's answer lacks as
 * unknown, and it cannot tell an absent default from a value still to be
 * computed. Left alone, an unchanged user's `scopes` would preview as unknown,
 * and every resource built from it would preview as changing. So an output
 * that comes back unknown takes `whenAbsent(key)`: what it is when the
 * state holds nothing for it, worked out from the program's own inputs (the
 * default, unless the program declares a value that is itself unknown).
 * An unknown the program made stays unknown.
 */
export function readStateDefaults<S>(
  resource: pulumi.CustomResource,
  defaults: StateDefaults<S>,
  whenAbsent: (key: string, fallback: unknown) => pulumi.Input<unknown>,
): void {
  const outputs = resource as unknown as Record<string, pulumi.Output<unknown>>;
  for (const [key, fallback] of Object.entries(defaults)) {
    // The SDK's apply takes a second argument, runWithUnknowns, that it leaves out of its types:
    // the callback then runs with `pulumi.unknown` in place of an unknown value.
    const raw = outputs[key] as unknown as { apply(f: (v: unknown) => unknown, runWithUnknowns: boolean): pulumi.Output<unknown> };
    outputs[key] = raw.apply((value) => (pulumi.isUnknown(value) ? whenAbsent(key, freshDefault(fallback)) : (value ?? freshDefault(fallback))), true);
  }
}

/**
 * For {@link readStateDefaults}: what an output is when the state holds
 * nothing for it, given the declared inputs that decide it. The default when
 * none of them is declared (a `get` declares none); otherwise unknown while
 * any of them is unknown, else `decide(values)`.
 */
export function absentFromInputs(
  declared: readonly pulumi.Input<unknown>[],
  decide: (values: unknown[]) => unknown,
  fallback: unknown,
): pulumi.Input<unknown> {
  if (declared.every((d) => d === undefined)) return fallback;
  return pulumi.all([...declared] as pulumi.Input<unknown>[]).apply((values) => decide(values as unknown[]));
}
