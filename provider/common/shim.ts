import type * as pulumi from "@pulumi/pulumi";

/**
 * The object handed to `pulumi.dynamic.Resource`.
 *
 * Pulumi serializes this object into every resource's `__provider` property
 * (in plain text, in inputs and outputs). So it captures nothing but the name
 * of the implementation module, and each method `require`s the *installed*
 * implementation when called: `__provider` stays small, holds no secret, and
 * fixes to the implementation reach resources created by older versions
 * (delete and refresh run the `__provider` stored in state).
 *
 * Keep this backward compatible: states written by every released version
 * call it. The module must export `provider` with the methods below.
 */
export function providerShim(implModule: string): pulumi.dynamic.ResourceProvider {
  // Shaped for size (the serialized text is stored twice per resource): the
  // SDK wraps every function in ~170 bytes and repeats each captured string
  // and variable name, so the module name is captured once, in an object,
  // each method names its target literally instead of capturing the name,
  // and the names are one letter: t = target module, a = arguments.
  // This keeps `__provider` near 1.95 KB.
  const t = { m: implModule };
  return {
    configure: (...a: unknown[]) => require(t.m).provider.configure(...a),
    check: (...a: unknown[]) => require(t.m).provider.check(...a),
    diff: (...a: unknown[]) => require(t.m).provider.diff(...a),
    create: (...a: unknown[]) => require(t.m).provider.create(...a),
    read: (...a: unknown[]) => require(t.m).provider.read(...a),
    update: (...a: unknown[]) => require(t.m).provider.update(...a),
    delete: (...a: unknown[]) => require(t.m).provider.delete(...a),
  } as pulumi.dynamic.ResourceProvider;
}
