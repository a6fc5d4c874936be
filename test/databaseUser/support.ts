/**
 * What the DatabaseUser tests share: an emulator the provider is configured
 * for, `check` then `create` as the engine runs them, and the emulator's view
 * (its users and the API requests it received).
 */
import { provider } from "../../provider/databaseUser/provider";
import type { DatabaseUserInputs, DatabaseUserState } from "../../provider/databaseUser/schema";
import { emulatorControl, type EmulatorHandle, type LoggedRequest } from "../support/emulator";
import { configureForEmulator, useProviderEmulator } from "../support/provider";

/**
 * Starts an emulator for this test file and configures the provider for it
 * (beforeAll), and stops both (afterAll). Read `emu` and `projectId` in tests.
 */
export function useEmulatorForProvider(): { readonly emu: EmulatorHandle; readonly projectId: string } {
  const env = useProviderEmulator((emu) => configureForEmulator(provider, emu));
  return {
    get emu() {
      return env.emu;
    },
    get projectId() {
      return env.emu.projectId;
    },
  };
}

/** `check` as the engine runs it first: the inputs must be valid, and come back normalised. */
export async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<DatabaseUserInputs> {
  const result = await provider.check(olds, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as DatabaseUserInputs;
}

/** `check`, then `create`. */
export async function create(news: Record<string, unknown>) {
  const inputs = await checked(news);
  const { id, outs } = await provider.create(inputs);
  return { id, inputs, state: outs as DatabaseUserState };
}

/** The Atlas API requests the emulator received, without the digest handshake's first 401 (control calls are not logged). */
export async function atlasRequests(emu: EmulatorHandle): Promise<LoggedRequest[]> {
  return (await emulatorControl.requests(emu)).filter((r) => r.path.startsWith("/api/atlas/") && r.auth !== "digest-challenge");
}

/** The database users the emulator holds in a project. */
export async function emulatorUsers(emu: EmulatorHandle, projectId: string): Promise<Record<string, unknown>[]> {
  const state = (await emulatorControl.state(emu)) as { databaseUsers: Record<string, unknown>[] };
  return state.databaseUsers.filter((u) => u.groupId === projectId);
}

/** One user the emulator holds, or undefined. */
export async function emulatorUser(emu: EmulatorHandle, projectId: string, username: string, databaseName?: string) {
  return (await emulatorUsers(emu, projectId)).find(
    (u) => u.username === username && (databaseName === undefined || u.databaseName === databaseName),
  );
}
