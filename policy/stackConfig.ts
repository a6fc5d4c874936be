/**
 * The stack's configuration, for the rule on passwords from plain config.
 *
 * The engine sends it to every policy pack in the `ConfigureStack` call
 * (`AnalyzerStackConfigureRequest`: the config decrypted, and which keys are
 * secret; pkg/engine/update.go builds it from the stack's config), but
 * `@pulumi/policy` 1.21 keeps only the stack's tags from that call. So the
 * pack reads the request as it is decoded: it wraps the request decoder of
 * `AnalyzerService.configureStack` (the service definition `@pulumi/policy`
 * registers its handlers with), keeps what it needs, and hands the request on
 * unchanged. Call `captureStackConfig` before the `PolicyPack` is created.
 *
 * When the wrapping is impossible (another layout of these modules) or the
 * call carries no config, `stackConfig()` stays undefined: the rule then says
 * it cannot tell and does not apply.
 */
import path from "node:path";
import type { StackConfig } from "./rules";

let captured: StackConfig | undefined;

/** The stack config the engine sent, once it has (before any resource is analyzed). */
export function stackConfig(): StackConfig | undefined {
  return captured;
}

interface ConfigureStackRequest {
  getConfigMap(): { toArray(): [string, string][] };
  getConfigSecretKeysList(): string[];
}

/** Starts listening for the stack config; returns whether it could. */
export function captureStackConfig(): boolean {
  let service: Record<string, { requestDeserialize?: (b: Buffer) => unknown }> | undefined;
  try {
    // The module instance @pulumi/policy's server uses: resolved from its own directory.
    const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json"));
    const grpcPb = require(require.resolve("@pulumi/pulumi/proto/analyzer_grpc_pb", { paths: [policyDir] }));
    service = grpcPb.AnalyzerService;
  } catch {
    return false;
  }
  const method = service?.configureStack;
  const decode = method?.requestDeserialize;
  if (!method || typeof decode !== "function") return false;
  method.requestDeserialize = (buffer: Buffer) => {
    const request = decode(buffer) as ConfigureStackRequest;
    try {
      captured = {
        values: Object.fromEntries(request.getConfigMap().toArray()),
        secretKeys: new Set(request.getConfigSecretKeysList()),
      };
    } catch {
      captured = undefined;
    }
    return request;
  };
  return true;
}
