/**
 * The plugin's entry point (`bin/pulumi-resource-atlas-users` runs it): serves
 * {@link AtlasUsersProvider} over gRPC with `@pulumi/pulumi/provider`'s `main`.
 *
 * That server (SDK 3.248.0) answers `Configure` without handing its config to
 * the provider, so before `main` binds its handlers, the `configure` handler it
 * registers with grpc-js is wrapped once: the request's `args` (the provider's
 * config) go to the provider first, then the SDK's handler answers as before
 * (accepting secrets). Nothing of the config is logged.
 */
import * as path from "node:path";
import { main } from "@pulumi/pulumi/provider";
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
 * Wraps the `configure` handler that `main` registers, so `provider.configure`
 * sees the config. grpc-js binds each handler to the object it is given: an
 * object inheriting the SDK's handlers, with its own `configure`.
 */
function forwardConfigure(provider: AtlasUsersProvider): void {
  // The grpc-js the SDK uses (its own dependency), not one this package might resolve.
  const grpcPath = require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] });
  const prototype = (require(grpcPath) as { Server: { prototype: GrpcServerPrototype } }).Server.prototype;
  const original = prototype.addService;
  prototype.addService = function (this: unknown, service: unknown, implementation: Record<string, unknown>) {
    prototype.addService = original;
    const sdkConfigure = implementation.configure as (this: unknown, call: ConfigureCall, callback: Callback) => void;
    const wrapped = Object.create(implementation) as Record<string, unknown>;
    wrapped.configure = function (this: unknown, call: ConfigureCall, callback: Callback) {
      provider.configure(configFromRequest(call)).then(
        () => sdkConfigure.call(this, call, callback),
        (error: unknown) => callback(error),
      );
    };
    wrapped.read = readWithProperties(implementation.read as Handler);
    return original.call(this, service, wrapped);
  };
}

type Handler = (this: unknown, call: { request: ReadRequest }, callback: Callback) => void;

interface ReadRequest {
  getProperties(): unknown;
  setProperties(value: unknown): void;
}

/**
 * The SDK's `read` handler (3.248.0) calls `getProperties().toJavaScript()`,
 * but on `pulumi import` (and `.get`) the engine sends a ReadRequest with no
 * properties at all: the handler throws "Cannot read properties of undefined
 * (reading 'toJavaScript')" before the provider is asked. An absent
 * `properties` is given an empty Struct, so the provider's `read` receives
 * `{}`, as the dynamic provider's does.
 */
function readWithProperties(sdkRead: Handler): Handler {
  // The protobuf runtime the SDK's generated messages use.
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const structPath = require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdkDir] });
  const { Struct } = require(structPath) as { Struct: new () => unknown };
  return function (this: unknown, call, callback) {
    if (!call.request.getProperties()) call.request.setProperties(new Struct());
    return sdkRead.call(this, call, callback);
  };
}

export async function serve(args: string[]): Promise<void> {
  const provider = new AtlasUsersProvider();
  forwardConfigure(provider);
  await main(provider, args);
}

if (require.main === module) {
  void serve(process.argv.slice(2));
}
