import * as pulumi from "@pulumi/pulumi";
import type { StateDefaults } from "./storedState";

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
 */
export function readStateDefaults<S>(resource: pulumi.CustomResource, defaults: StateDefaults<S>): void {
  const outputs = resource as unknown as Record<string, pulumi.Output<unknown>>;
  for (const [key, fallback] of Object.entries(defaults)) {
    outputs[key] = outputs[key].apply((value) => value ?? (Array.isArray(fallback) ? [...fallback] : fallback));
  }
}
