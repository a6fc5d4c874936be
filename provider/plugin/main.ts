/**
 * The plugin's entry point (`bin/pulumi-resource-atlas-users` runs it): serves
 * {@link AtlasUsersProvider} over gRPC with `@pulumi/pulumi/provider`'s `main`.
 *
 * That server (SDK 3.248.0) falls short in two places, so before `main` binds
 * its handlers, two of those it registers with grpc-js are wrapped once:
 * - `Configure` is answered without handing the config to the provider: the
 *   request's `args` (the provider's config) go to the provider first, then
 *   the SDK's handler answers as before (accepting secrets). Nothing of the
 *   config is logged.
 * - `Read` fails with "Cannot read properties of undefined (reading
 *   'toJavaScript')" when the request has no properties, which is what an
 *   import sends: it gets an empty property bag.
 */
import * as path from "node:path";
import { main } from "@pulumi/pulumi/provider";
import { exitWhenPluginEngineGone } from "../engineWatch";
import { AtlasUsersProvider } from "./provider";

interface GrpcServerPrototype {
  addService(service: unknown, implementation: Record<string, unknown>): void;
}

interface ConfigureCall {
  request: {
    getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
    getVariablesMap(): { entries(): Iterable<[string, string]> };
  };
}

interface ReadCall {
  request: { getProperties(): unknown; setProperties(value: unknown): void };
}

type Callback = (error: unknown, response?: unknown) => void;

/** The provider config of a `ConfigureRequest`: `args` (keys without namespace), else the legacy `variables` map (`atlas-users:config:<key>`). */
export function configFromRequest(call: ConfigureCall): Record<string, unknown> {
  const args = call.request.getArgs()?.toJavaScript();
  if (args && Object.keys(args).length > 0) return args;
  const config: Record<string, unknown> = {};
  for (const [key, value] of call.request.getVariablesMap().entries()) {
    const [pkg, ...rest] = key.split(":");
    if (pkg === "atlas-users") config[rest[rest.length - 1]] = value;
  }
  return config;
}

/**
 * Wraps the `configure` and `read` handlers that `main` registers (see above).
 * grpc-js binds each handler to the object it is given: an object inheriting
 * the SDK's handlers, with its own `configure` and `read`.
 */
function patchHandlers(provider: AtlasUsersProvider): void {
  // The SDK's own dependencies, not copies this package might resolve.
  const sdkRequire = (id: string) => require(require.resolve(id, { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));
  const prototype = (sdkRequire("@grpc/grpc-js") as { Server: { prototype: GrpcServerPrototype } }).Server.prototype;
  const { Struct } = sdkRequire("google-protobuf/google/protobuf/struct_pb") as { Struct: new () => unknown };
  const original = prototype.addService;
  prototype.addService = function (this: unknown, service: unknown, implementation: Record<string, unknown>) {
    prototype.addService = original;
    const sdkConfigure = implementation.configure as (this: unknown, call: ConfigureCall, callback: Callback) => void;
    const sdkRead = implementation.read as (this: unknown, call: ReadCall, callback: Callback) => void;
    const wrapped = Object.create(implementation) as Record<string, unknown>;
    wrapped.configure = function (this: unknown, call: ConfigureCall, callback: Callback) {
      provider.configure(configFromRequest(call)).then(
        () => sdkConfigure.call(this, call, callback),
        (error: unknown) => callback(error),
      );
    };
    wrapped.read = function (this: unknown, call: ReadCall, callback: Callback) {
      if (!call.request.getProperties()) call.request.setProperties(new Struct());
      return sdkRead.call(this, call, callback);
    };
    return original.call(this, service, wrapped);
  };
}

export async function serve(args: string[]): Promise<void> {
  // After a SIGKILL of the engine, stop rather than finish requests whose results reach no state.
  exitWhenPluginEngineGone();
  const provider = new AtlasUsersProvider();
  patchHandlers(provider);
  await main(provider, args);
}

if (require.main === module) {
  void serve(process.argv.slice(2));
}
