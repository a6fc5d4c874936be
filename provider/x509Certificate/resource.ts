import * as pulumi from "@pulumi/pulumi";
import { dynamicResource } from "../common/shim";
import type { SameKeys } from "../common/types";
import type { X509CertificateInputsIn } from "./schema";

/** The implementation the engine's host loads (see `providerText`). */
const IMPLEMENTATION = "pulumi-atlas-users/p/x509Certificate";

// BEGIN GENERATED: args
// Written by `npm run docs` from the inputs schema's descriptions (schema.ts).

/**
 * The arguments of an {@link X509Certificate}. Changing `projectId` or `username` issues a new certificate;
 * `monthsUntilExpiration` and `renewBefore` apply from the next one.
 */
export interface X509CertificateArgs {
  /** The project's id (the API's `groupId`). Changing it issues a new certificate. */
  projectId: pulumi.Input<string>;
  /**
   * The database user, one with `x509Type: "MANAGED"` (usually `user.username`). Changing it issues a new
   * certificate.
   */
  username: pulumi.Input<string>;
  /**
   * How long each certificate is valid, 1-24 months; default 3. A change applies from the next certificate.
   */
  monthsUntilExpiration?: pulumi.Input<number>;
  /**
   * How long before a certificate ends `pulumi up` issues the next one (`30d`, `72h`, ...); default 30 days.
   * Shorter than the validity.
   */
  renewBefore?: pulumi.Input<string>;
}

// END GENERATED: args

const argsMatchSchema: SameKeys<X509CertificateArgs, X509CertificateInputsIn> = true;
void argsMatchSchema;

/**
 * An Atlas-managed X.509 certificate of a database user (`x509Type:
 * "MANAGED"`), renewed by `pulumi up` from `notAfter − renewBefore` on: a
 * new certificate is issued before the old one is forgotten. The certificate
 * and its private key are a Pulumi secret. Destroy only forgets a
 * certificate: Atlas cannot revoke one.
 *
 * The id is `{projectId}/{username}/{serialNumber}`.
 *
 * ```ts
 * const etl = new DatabaseUser("etl", { projectId, username: "etl", x509Type: "MANAGED", roles });
 * const cert = new X509Certificate("etl-cert", { projectId, username: etl.username });
 * export const etlCertificate = cert.certificate; // a secret
 * ```
 */
export class X509Certificate extends pulumi.CustomResource {
  declare public readonly projectId: pulumi.Output<string>;
  declare public readonly username: pulumi.Output<string>;
  declare public readonly monthsUntilExpiration: pulumi.Output<number | undefined>;
  declare public readonly renewBefore: pulumi.Output<string | undefined>;
  /** The certificate and its private key, PEM (a secret). */
  declare public readonly certificate: pulumi.Output<string>;
  declare public readonly serialNumber: pulumi.Output<string>;
  declare public readonly notBefore: pulumi.Output<string>;
  declare public readonly notAfter: pulumi.Output<string>;

  constructor(name: string, args: X509CertificateArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = ["projectId", "username", "monthsUntilExpiration", "renewBefore", "certificate", "serialNumber", "notBefore", "notAfter"];
    const props: Record<string, unknown> = Object.fromEntries(outputs.map((k) => [k, undefined]));
    Object.assign(props, args ?? {});
    super(...dynamicResource(
      IMPLEMENTATION,
      name,
      props,
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["certificate"] }),
      "atlas-users",
      "X509Certificate",
    ));
  }
}
