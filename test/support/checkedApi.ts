/**
 * An Atlas API client for the emulator's own tests that checks EVERY v2
 * response against the official spec (status declared, media type, body
 * schema, no writeOnly field such as a password) and fails the test otherwise.
 */
import { matchRoute } from "../../emulator/server";
import { apiClient, serviceAccountToken, specProblems, type ApiCall, type ApiResponse, type SpecCheckedResponse } from "./atlasApi";
import type { EmulatorHandle } from "./emulator";

export type CheckedCall = (call: ApiCall) => Promise<ApiResponse>;

/** Throws when a v2 response breaks the spec. */
export function assertSpecValid(method: string, path: string, res: SpecCheckedResponse): void {
  const rawPath = path.split("?")[0];
  if (!rawPath.startsWith("/api/atlas/v2/")) return;
  const match = matchRoute(method, rawPath);
  if (match.kind !== "found") return; // 404/405 for unknown paths are not spec operations
  const problems = specProblems(method, match.route.path, res);
  if (problems.length > 0) {
    throw new Error(`${method} ${path} → ${res.status} breaks the spec:\n  ${problems.join("\n  ")}\n${JSON.stringify(res.body)}`);
  }
}

/** A Bearer-authenticated client whose every v2 response is checked against the spec. */
export async function checkedClient(emu: EmulatorHandle): Promise<CheckedCall> {
  const call = apiClient(emu, await serviceAccountToken(emu));
  return async (c) => {
    const res = await call(c);
    assertSpecValid(c.method, c.path, res);
    return res;
  };
}
