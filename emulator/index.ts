/**
 * A local emulator of the MongoDB Atlas / Cloud Manager / Ops Manager Admin
 * API for the user, invitation and database-user endpoints: stateful, checked
 * against the official OpenAPI subset, with its own clock, fault injection and
 * rate limits. Start it with {@link startEmulator} (or `node dist/emulator/main.js`).
 */
export { startEmulator, MAX_BODY_BYTES } from "./server";
export type { EmulatorOptions, EmulatorInfo, RunningEmulator } from "./server";
export type { LoggedRequest } from "./types";
export type { SeedInput, SeedResult } from "./seed";
export type { FaultRule } from "./faults";
export { AtlasContract, atlasContract } from "./contract";
