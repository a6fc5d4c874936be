/**
 * A dynamic-provider host that outlives its engine keeps working for nobody:
 * after a SIGKILL of `pulumi up`, it would finish its in-flight creates
 * (retries, read-backs, follow-up requests) and the results would reach no
 * state. The engine starts the host (`pulumi-resource-pulumi-nodejs`, a shell
 * script running `@pulumi/pulumi/cmd/dynamic-provider`) with a pipe as stdin
 * that it holds open and never writes to (the Go SDK's `cmd.StdinPipe()`,
 * kept in `plugin.Plugin.Stdin`); the shell passes it on to node. When the
 * engine dies, its end of the pipe closes and the host reads end-of-file:
 * then the host exits, so a killed run stops sending.
 */
import fs from "node:fs";

/** The host's entry point, as the launcher (and `require.resolve`) names it. */
const DYNAMIC_PROVIDER_HOST = /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]dynamic-provider(?:[\\/]index\.js)?$/;

let watching = false;

/**
 * Inside the dynamic-provider host with a pipe as stdin: exits the process
 * when that pipe closes. Anywhere else (tests, programs, a host started by
 * hand with no stdin pipe) it does nothing. Idempotent.
 */
export function exitWhenEngineGone(proc: NodeJS.Process = process): void {
  if (watching) return;
  if (!DYNAMIC_PROVIDER_HOST.test(proc.argv[1] ?? "")) return;
  let fromPipe = false;
  try {
    fromPipe = fs.fstatSync(0).isFIFO();
  } catch {
    return;
  }
  if (!fromPipe) return;
  watching = true;
  const gone = () => proc.exit(1);
  const stdin = proc.stdin;
  stdin.on("end", gone);
  stdin.on("close", gone);
  stdin.on("error", gone);
  // End-of-file is only seen while reading; nothing is ever written.
  stdin.on("data", () => undefined);
  // The gRPC server keeps the host alive; this pipe must not.
  (stdin as { unref?: () => void }).unref?.();
}
