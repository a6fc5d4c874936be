/**
 * Shared by the CloudUser provider tests: one emulator per file, switched
 * between platforms per test, and a valid profile to declare accounts with.
 */
import type { Platform as CloudUserPlatform } from "../../provider/platform";
import { provider } from "../../provider/cloudUser/provider";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";
import { configureForEmulator, useProviderEmulator } from "../support/provider";

/** Starts the emulator for the file (beforeAll) and stops it (afterAll). */
export const useCloudUserEmulator = () => useProviderEmulator();

/**
 * Points the provider and the emulator's public API at `platform`, with no
 * fault left over. No reset: it would re-seed new credentials, so every test
 * uses fresh usernames instead.
 */
export async function usePlatform(emu: EmulatorHandle, platform: CloudUserPlatform, settings: Record<string, unknown> = {}): Promise<void> {
  await emulatorControl.clearFaults(emu);
  const flavor = platform === "ops-manager" ? "ops-manager" : "cloud-manager";
  await emulatorControl.settings(emu, { publicApiFlavor: flavor, bypassInviteForExistingUsers: false, ...settings });
  await configureForEmulator(provider, emu, { platform });
}

/** The profile fields every platform accepts at creation (Atlas v2 also wants a North American mobile number). */
export function profile(platform: CloudUserPlatform, username: string): Record<string, unknown> {
  return {
    username,
    password: "Str0ng passphrase!",
    firstName: "Jane",
    lastName: "Doe",
    country: "US",
    ...(platform === "atlas" ? { mobileNumber: "212-555-0100" } : {}),
  };
}
