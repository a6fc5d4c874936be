import { randomBytes } from "node:crypto";

/** A random 24-hex id, the shape of every Atlas org, project and user id. */
export function hexId(): string {
  return randomBytes(12).toString("hex");
}

/** A random opaque secret of `bytes` bytes, base64url-encoded. */
export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}
