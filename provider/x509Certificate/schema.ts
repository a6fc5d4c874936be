/**
 * X509Certificate inputs: a database user with Atlas-managed X.509
 * authentication, how long its certificates live, and how long before the
 * end `pulumi up` issues the next one.
 */
import { z } from "zod";
import { DAY_MS, formatDuration, parseDuration } from "../common/dates";
import type { SameKeys } from "../common/types";

const PROJECT_ID = /^[a-f0-9]{24}$/;
export const DEFAULT_MONTHS = 3;
export const DEFAULT_RENEW_BEFORE = "30d";
/** The shortest a month can be: a renewal window must end before the shortest validity does. */
const SHORTEST_MONTH_MS = 28 * DAY_MS;

const X509CertificateInputsShape = z.strictObject({
  projectId: z.string({ error: "projectId must be a string: the project's 24-hexadecimal-digit id" })
    .regex(PROJECT_ID, { error: "projectId must be the project's id: 24 lowercase hexadecimal digits" })
    .describe("The project's id (the API's `groupId`). Changing it issues a new certificate."),
  username: z.string({ error: "username must be a string" }).min(1, { error: "username must not be empty" })
    .describe("The database user, one with `x509Type: \"MANAGED\"` (usually `user.username`). Changing it issues a new certificate."),
  monthsUntilExpiration: z.number({ error: "monthsUntilExpiration must be a whole number of months, 1 to 24" })
    .int({ error: "monthsUntilExpiration must be a whole number of months, 1 to 24" })
    .min(1, { error: "monthsUntilExpiration must be at least 1" })
    .max(24, { error: "monthsUntilExpiration must be at most 24 (Atlas's limit)" }).optional()
    .describe("How long each certificate is valid, 1-24 months; default 3. A change applies from the next certificate."),
  renewBefore: z.string({ error: 'renewBefore must be a duration string such as "30d"' }).optional()
    .describe("How long before a certificate ends `pulumi up` issues the next one (`30d`, `72h`, ...); default 30 days. Shorter than the validity."),
});

type RawInputs = z.output<typeof X509CertificateInputsShape>;

export const X509CertificateInputsSchema = X509CertificateInputsShape.superRefine((args: RawInputs, ctx) => {
  const renewBefore = args.renewBefore ?? DEFAULT_RENEW_BEFORE;
  const ms = parseDuration(renewBefore);
  const months = args.monthsUntilExpiration ?? DEFAULT_MONTHS;
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", path: ["renewBefore"], message: `"${renewBefore}" is not a duration: write whole numbers with units d, h, m or s, e.g. "30d" or "72h"` });
  } else if (Number.isInteger(months) && months >= 1 && months <= 24 && ms >= months * SHORTEST_MONTH_MS) {
    ctx.addIssue({
      code: "custom",
      path: ["renewBefore"],
      message: `renewBefore (${formatDuration(ms)}) must be shorter than the certificate's validity (${months} month${months === 1 ? "" : "s"}), or every up would issue a new one: shorten it or raise monthsUntilExpiration`,
    });
  }
});

export type X509CertificateInputs = z.output<typeof X509CertificateInputsSchema>;
export type X509CertificateInputsIn = z.input<typeof X509CertificateInputsSchema>;

/** The outputs: the inputs, and the current certificate. */
export interface X509CertificateState {
  projectId: string;
  username: string;
  monthsUntilExpiration?: number;
  renewBefore?: string;
  certificate: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
}

export const X509CertificateStateSchema = z.object({
  projectId: z.string(),
  username: z.string(),
  monthsUntilExpiration: z.number().optional(),
  renewBefore: z.string().optional(),
  certificate: z.string().meta({
    description: "The certificate and its private key, PEM, as Atlas returned them: what the client presents. Encrypted in the state, `[secret]` in previews and outputs.",
    secret: true,
  }),
  serialNumber: z.string().describe("The certificate's serial number, in decimal (the API's `_id`)."),
  notBefore: z.string().describe("When the certificate becomes valid, UTC."),
  notAfter: z.string().describe("When it ends, UTC. From `notAfter − renewBefore` on, `pulumi up` issues the next one."),
});

const stateSchemaMatchesState: SameKeys<z.output<typeof X509CertificateStateSchema>, X509CertificateState> = true;
void stateSchemaMatchesState;
