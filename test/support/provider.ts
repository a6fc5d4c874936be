/**
 * Points a resource provider (its exported `provider` object) at a test
 * emulator the way the engine would: through `configure()` with a stack
 * config, never through module imports of the emulator.
 */
import type { AtlasClient } from "../../provider/client/client";
import { CONFIG_KEYS, type Platform } from "../../provider/config";
import { resetContextsForTests as resetRuntimeForTests, runContext } from "../../provider/context";
import { startTestEmulator, type EmulatorHandle } from "./emulator";

export interface ConfigureOptions {
  /** The stack setting `atlasUsers:platform`; unset means Atlas. */
  platform?: Platform;
  /** Service account (OAuth) instead of the API key (digest). */
  useServiceAccount?: boolean;
  /** Extra stack config entries (`atlasUsers:maxRetries`, ...). */
  extra?: Record<string, string>;
}

/** The stack config a program would have for this emulator. */
export function emulatorStackConfig(emu: EmulatorHandle, opts: ConfigureOptions = {}): Record<string, string> {
  const config: Record<string, string> = {
    [CONFIG_KEYS.baseUrl]: emu.baseUrl,
    [CONFIG_KEYS.allowInsecureHttp]: "true",
    ...(opts.useServiceAccount
      ? { [CONFIG_KEYS.clientId]: emu.clientId, [CONFIG_KEYS.clientSecret]: emu.clientSecret }
      : { [CONFIG_KEYS.publicKey]: emu.publicKey, [CONFIG_KEYS.privateKey]: emu.privateKey }),
    ...opts.extra,
  };
  if (opts.platform) config[CONFIG_KEYS.platform] = opts.platform;
  return config;
}

/**
 * Resets the provider runtime (clients, warnings) and configures it for the
 * emulator. Call in `beforeAll`/`beforeEach`; `resetRuntimeForTests()` in `afterAll`.
 */
export async function configureForEmulator(
  provider: { configure(req: { config: { get(key: string): string | undefined } }): Promise<void> | void },
  emu: EmulatorHandle,
  opts: ConfigureOptions = {},
): Promise<void> {
  await resetRuntimeForTests();
  const config = emulatorStackConfig(emu, opts);
  await provider.configure({ config: { get: (key: string) => config[key] } });
}

/**
 * Starts an emulator for this test file (beforeAll, then `onStart`, e.g. to
 * configure a provider) and stops it and the provider runtime (afterAll).
 * Read `emu` inside tests and hooks.
 */
export function useProviderEmulator(onStart?: (emu: EmulatorHandle) => Promise<void>): { readonly emu: EmulatorHandle } {
  let emu: EmulatorHandle | undefined;
  beforeAll(async () => {
    emu = await startTestEmulator();
    await onStart?.(emu);
  });
  afterAll(async () => {
    await resetRuntimeForTests();
    await emu?.close();
  });
  return {
    get emu() {
      if (!emu) throw new Error("the emulator starts in beforeAll");
      return emu;
    },
  };
}

/**
 * A client for the emulator on a platform, as the provider builds it from the
 * same stack config (so it shares the provider's connection and credentials).
 */
export function emulatorClient(emu: EmulatorHandle, platform: Platform, opts: ConfigureOptions = {}): AtlasClient {
  const config = emulatorStackConfig(emu, { ...opts, platform });
  return runContext({ config: { get: (key: string) => config[key] } }).client(platform);
}
