/**
 * Pure functions of X509Certificate: ids, the PEM → state mapper, and the
 * renewal rule (decided from the state and a clock, with no request).
 */
import { X509Certificate } from "node:crypto";
import { canonicalInstant, parseDuration } from "../common/dates";
import type { UserCertKey } from "../client/operations/x509";
import { DEFAULT_MONTHS, DEFAULT_RENEW_BEFORE, type X509CertificateInputs, type X509CertificateState } from "./schema";

/** `{projectId}/{username}/{serialNumber}`; the username may hold slashes, the other two cannot. */
export function idOf(state: Pick<X509CertificateState, "projectId" | "username" | "serialNumber">): string {
  return `${state.projectId}/${state.username}/${state.serialNumber}`;
}

export function keyFromId(id: string): UserCertKey & { serialNumber: string } {
  const m = /^([a-f0-9]{24})\/(.+)\/(\d+)$/.exec(id);
  if (!m) throw new Error(`"${id}" is not a certificate id: expected "{projectId}/{username}/{serialNumber}"`);
  return { projectId: m[1], username: m[2], serialNumber: m[3] };
}

export function describeCertificate(key: UserCertKey, serialNumber?: string): string {
  return `${serialNumber === undefined ? "the X.509 certificate" : `X.509 certificate ${serialNumber}`} of database user ${key.username} in project ${key.projectId}`;
}

export const monthsOf = (inputs: Pick<X509CertificateInputs, "monthsUntilExpiration">) => inputs.monthsUntilExpiration ?? DEFAULT_MONTHS;

/** The PEM Atlas answered → state. Throws (without quoting it) when it holds no certificate. */
export function fromPem(pem: string, inputs: X509CertificateInputs): X509CertificateState {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new Error("the answer holds no X.509 certificate in PEM form");
  }
  const state: X509CertificateState = {
    projectId: inputs.projectId,
    username: inputs.username,
    certificate: pem,
    serialNumber: BigInt(`0x${cert.serialNumber}`).toString(),
    notBefore: canonicalInstant(new Date(cert.validFrom)),
    notAfter: canonicalInstant(new Date(cert.validTo)),
  };
  if (inputs.monthsUntilExpiration !== undefined) state.monthsUntilExpiration = inputs.monthsUntilExpiration;
  if (inputs.renewBefore !== undefined) state.renewBefore = inputs.renewBefore;
  return state;
}

/** When `pulumi up` issues the next certificate: `notAfter − renewBefore`. */
export function renewalDue(state: Pick<X509CertificateState, "notAfter">, inputs: Pick<X509CertificateInputs, "renewBefore">): Date {
  const before = parseDuration(inputs.renewBefore ?? DEFAULT_RENEW_BEFORE) ?? 0;
  return new Date(Date.parse(state.notAfter) - before);
}

export function needsRenewal(state: Pick<X509CertificateState, "notAfter">, inputs: Pick<X509CertificateInputs, "renewBefore">, now: Date): boolean {
  return now.getTime() >= renewalDue(state, inputs).getTime();
}

/** Whether Atlas lists this serial number among the user's certificates. */
export function isListed(listed: readonly { _id: number | string }[], serialNumber: string): boolean {
  return listed.some((c) => BigInt(c._id).toString() === serialNumber);
}
