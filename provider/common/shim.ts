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
  return {
    async configure(req) {
      return require(implModule).provider.configure(req);
    },
    async check(olds, news) {
      return require(implModule).provider.check(olds, news);
    },
    async diff(id, olds, news) {
      return require(implModule).provider.diff(id, olds, news);
    },
    async create(inputs) {
      return require(implModule).provider.create(inputs);
    },
    async read(id, props) {
      return require(implModule).provider.read(id, props);
    },
    async update(id, olds, news) {
      return require(implModule).provider.update(id, olds, news);
    },
    async delete(id, props) {
      return require(implModule).provider.delete(id, props);
    },
  };
}
