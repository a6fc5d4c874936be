/**
 * `node dist/emulator/main.js [--port N]` (or `npm run emulator -- --port 0`):
 * starts the emulator on 127.0.0.1 and prints ONE JSON line first on stdout
 * (baseUrl, credentials, org and project ids), then request logs. Stops
 * cleanly on SIGTERM / SIGINT.
 */
import { startEmulator } from "./server";

function parsePort(argv: readonly string[]): number {
  let port = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = arg === "--port" ? argv[++i] : arg.startsWith("--port=") ? arg.slice("--port=".length) : undefined;
    if (arg === "--help" || arg === "-h") {
      process.stdout.write("usage: main.js [--port N]   (N=0 picks a free port)\n");
      process.exit(0);
    }
    if (value === undefined) {
      throw new Error(`Unknown argument ${arg}; usage: main.js [--port N]`);
    }
    if (!/^\d+$/.test(value) || Number(value) > 65535) throw new Error(`--port must be 0-65535, got ${value}`);
    port = Number(value);
  }
  return port;
}

async function main(): Promise<void> {
  const port = parsePort(process.argv.slice(2));
  const emulator = await startEmulator({ port });
  const { close, ...info } = emulator;
  process.stdout.write(`${JSON.stringify(info)}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`emulator: ${signal}, shutting down\n`);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
