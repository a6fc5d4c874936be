/**
 * Atlas-managed X.509 certificates, made with node:crypto alone: an EC P-256
 * key pair per certificate, and a DER-encoded X.509 v3 certificate (RFC 5280)
 * whose subject is `CN=<username>`, signed by the emulator's own CA key (made
 * once per process). Good enough for any X.509 parser; not for TLS.
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";

let caKey: KeyObject | undefined;
const CA_NAME = "Atlas Emulator Managed X.509 CA";

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const sequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));

function integer(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, "hex");
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** `CN=<commonName>` as an X.501 Name. */
const commonName = (cn: string) => sequence(tlv(0x31, sequence(oid("2.5.4.3"), tlv(0x0c, Buffer.from(cn, "utf8")))));

function time(at: Date): Buffer {
  const iso = at.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z"; // YYYYMMDDHHMMSSZ
  return at.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

const ECDSA_WITH_SHA256 = () => sequence(oid("1.2.840.10045.4.3.2"));

export interface IssuedCertificate {
  /** The certificate, then its private key (PKCS #8), both PEM: what Atlas's POST answers. */
  pem: string;
}

/** A certificate for `username` valid from `notBefore` to `notAfter`, with this serial number. */
export function issueCertificate(username: string, serial: bigint, notBefore: Date, notAfter: Date): IssuedCertificate {
  caKey ??= createPrivateKey(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }));
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const tbs = sequence(
    tlv(0xa0, integer(2n)), // v3
    integer(serial),
    ECDSA_WITH_SHA256(),
    commonName(CA_NAME),
    sequence(time(notBefore), time(notAfter)),
    commonName(username),
    publicKey.export({ type: "spki", format: "der" }),
  );
  const signature = sign("sha256", tbs, caKey); // DER-encoded ECDSA signature
  const der = sequence(tbs, ECDSA_WITH_SHA256(), tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const body = der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  const certificate = `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
  return { pem: certificate + privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}
