/**
 * X509Certificate lifecycle. `check` and `diff` send no request: renewal is
 * decided in `diff` from the state's `notAfter` and this machine's clock.
 * A renewal is a replacement, created before the old one is forgotten, so a
 * client can switch certificates before the old one ends. Atlas has no call
 * that revokes one certificate: `delete` only forgets it, and says so.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createUserCert, listUserCerts, type UserCertKey, type UserCertResponse } from "../client/operations/x509";
import { hasErrorCode, isNotFound } from "../client/errors";
import { checkOnDatabaseAccessPlatform } from "../common/databaseAccess";
import { failure as resourceFailure, ResourceError } from "../common/errors";
import { answerWasLost } from "../common/lostResponse";
import { note } from "../common/notes";
import { isUnknown } from "../common/unknowns";
import { runContext, type RunContext } from "../context";
import { describeCertificate, fromPem, idOf, isListed, keyFromId, monthsOf, needsRenewal, renewalDue } from "./model";
import { X509CertificateInputsSchema, type X509CertificateInputs, type X509CertificateState } from "./schema";

type Olds = Partial<X509CertificateState>;

let configured: RunContext | undefined;
const context = () => (configured ??= runContext());
const client = () => context().client("atlas");

const REPLACE_PROPERTIES = ["projectId", "username"] as const;


function issueHint(err: unknown): string | undefined {
  if (hasErrorCode(err, "ATLAS_INVALID_AUTH_SETTINGS") || hasErrorCode(err, "CANNOT_GENERATE_CERT_IF_ADVANCED_X509")) {
    return 'Atlas issues certificates only for database users with x509Type "MANAGED" (on $external): set it on the DatabaseUser, or use your own CA for x509Type "CUSTOMER"';
  }
  if (isNotFound(err)) return "No such database user: create it first (pass `user.username` so Pulumi does)";
  return undefined;
}

async function issue(inputs: X509CertificateInputs): Promise<X509CertificateState> {
  const key: UserCertKey = { projectId: inputs.projectId, username: inputs.username };
  let pem: string;
  try {
    pem = await createUserCert(client(), key, monthsOf(inputs));
  } catch (err) {
    if (!answerWasLost(err)) throw resourceFailure(`issuing ${describeCertificate(key)}`, err, issueHint(err));
    // The key is only in the answer: a certificate issued without it is of no use (and harmless). Ask again.
    note(`the answer issuing ${describeCertificate(key)} was lost; asking Atlas for another one (one it may have issued is never handed out)`);
    try {
      pem = await createUserCert(client(), key, monthsOf(inputs));
    } catch (again) {
      throw resourceFailure(`issuing ${describeCertificate(key)}`, again, issueHint(again));
    }
  }
  try {
    return fromPem(pem, inputs);
  } catch (err) {
    throw new ResourceError({ step: `issuing ${describeCertificate(key)}`, detail: (err as Error).message, code: "ATLAS_USERS_BAD_CERTIFICATE" });
  }
}

export const provider = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configured = runContext(req);
  },

  async check(_olds: Olds, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return checkOnDatabaseAccessPlatform(X509CertificateInputsSchema, news, context(), "Atlas-managed X.509 certificates");
  },


  async diff(_id: string, olds: Olds, news: X509CertificateInputs): Promise<pulumi.dynamic.DiffResult> {
    const state = olds as X509CertificateState;
    const changes: string[] = [];
    const replaces: string[] = [];
    for (const p of REPLACE_PROPERTIES) {
      if (isUnknown(news[p]) || news[p] !== state[p]) replaces.push(p);
    }
    for (const p of ["monthsUntilExpiration", "renewBefore"] as const) {
      if (isUnknown(news[p]) || news[p] !== state[p]) changes.push(p);
    }
    const renewBefore = isUnknown(news.renewBefore) ? state.renewBefore : news.renewBefore;
    if (replaces.length === 0 && needsRenewal(state, { renewBefore }, new Date())) {
      note(
        `${describeCertificate(state, state.serialNumber)} ends at ${state.notAfter}, and renewal was due from ${renewalDue(state, { renewBefore }).toISOString()} ` +
          `(renewBefore ${renewBefore ?? "30d"}): pulumi up issues a new certificate first, then forgets this one`,
      );
      replaces.push("notAfter");
    }
    return { changes: changes.length + replaces.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: X509CertificateInputs): Promise<pulumi.dynamic.CreateResult> {
    const outs = await issue(inputs);
    return { id: idOf(outs), outs };
  },

  async read(id: string, props: Olds = {}): Promise<pulumi.dynamic.ReadResult<X509CertificateState>> {
    const key = keyFromId(id);
    let listed: UserCertResponse[];
    try {
      listed = await listUserCerts(client(), key);
    } catch (err) {
      if (isNotFound(err)) listed = []; // the user is gone, and its certificates with it
      else throw resourceFailure(`reading ${describeCertificate(key, key.serialNumber)}`, err);
    }
    if (!isListed(listed, key.serialNumber)) {
      note(`${describeCertificate(key, key.serialNumber)} is no longer listed by Atlas (expired, or its user was recreated): the next pulumi up issues a new one`);
      return {};
    }
    // A certificate never changes: the state holds what Atlas answered when it was issued.
    const state = props as X509CertificateState;
    if (state.certificate === undefined) {
      // An import (`pulumi import`, the `import` option): no state to hold on to.
      throw new ResourceError({
        step: `importing ${describeCertificate(key, key.serialNumber)}`,
        detail: "Atlas returns a certificate's private key only in the answer that issues it, so an existing certificate cannot be imported",
        hint: "Declare the resource without importing it: pulumi up issues a new certificate, and the existing one keeps working until it expires",
        code: "ATLAS_USERS_CANNOT_IMPORT",
      });
    }
    const inputs: Record<string, unknown> = { projectId: state.projectId, username: state.username };
    if (state.monthsUntilExpiration !== undefined) inputs.monthsUntilExpiration = state.monthsUntilExpiration;
    if (state.renewBefore !== undefined) inputs.renewBefore = state.renewBefore;
    return { id, props: state, inputs: inputs as unknown as X509CertificateState };
  },

  async update(_id: string, olds: Olds, news: X509CertificateInputs): Promise<pulumi.dynamic.UpdateResult> {
    // Only monthsUntilExpiration or renewBefore changed: they apply from the next certificate.
    const { monthsUntilExpiration: _m, renewBefore: _r, ...kept } = olds as X509CertificateState;
    const outs: X509CertificateState = { ...kept };
    if (news.monthsUntilExpiration !== undefined) outs.monthsUntilExpiration = news.monthsUntilExpiration;
    if (news.renewBefore !== undefined) outs.renewBefore = news.renewBefore;
    return { outs };
  },

  async delete(id: string, props: Olds): Promise<void> {
    const key = keyFromId(id);
    note(
      `forgetting ${describeCertificate(key, key.serialNumber)}: Atlas has no call that revokes one certificate, so it stays valid until ${props.notAfter ?? "it ends"} ` +
        "(to cut every certificate of the user at once, delete or recreate the database user)",
    );
  },
} satisfies pulumi.dynamic.ResourceProvider<X509CertificateInputs, X509CertificateState>;
