import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import type { SaltedHash } from "./store";

/** The emulator never keeps a password: only a salted scrypt hash of it. */
export function hashPassword(password: string): SaltedHash {
  const salt = randomBytes(16).toString("hex");
  return { salt, hash: derive(password, salt) };
}

export function verifyPassword(password: string, stored: SaltedHash | undefined): boolean {
  if (!stored) return false;
  const candidate = Buffer.from(derive(password, stored.salt), "hex");
  const expected = Buffer.from(stored.hash, "hex");
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

function derive(password: string, salt: string): string {
  // Low cost: the emulator hashes thousands of passwords in benchmarks.
  return scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 }).toString("hex");
}
