/**
 * Keeps secrets out of error text. The client knows every secret it handles
 * (its credentials, its current OAuth token, secret-looking fields of the body
 * it sent), and a misbehaving or echoing server may repeat any of them, so
 * every string that goes into an error passes through {@link Redactor.redact}.
 */

export const REDACTED = "[REDACTED]";

/** Body fields whose string values are secrets, at any depth. */
const SECRET_FIELD = /pass(word)?|secret|private_?key|token|api_?key|credential/i;

/** Values shorter than this are not redacted by value (would mangle ordinary words). */
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  /** The secrets as given; their encoded forms are worked out at the first `redact` (most requests never need them). */
  private readonly raw: string[] = [];
  private expanded: Set<string> | undefined;

  /** `parent`: a redactor whose secrets (including ones it learns later) this one also hides. */
  constructor(
    secrets: Iterable<string | undefined> = [],
    private readonly parent?: Redactor,
  ) {
    for (const s of secrets) this.add(s);
  }

  add(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) {
      this.raw.push(secret);
      this.expanded = undefined;
    }
  }

  /** Each secret and the forms a server may echo it in. */
  private own(): Set<string> {
    if (this.expanded) return this.expanded;
    const out = new Set<string>();
    for (const secret of this.raw) {
      out.add(secret);
      // A server may echo a value percent- or form-encoded, base64-encoded
      // (alone or inside a longer encoded text) or inside a JSON string
      // (escaped quotes and backslashes, maybe \uXXXX for everything outside ASCII).
      out.add(encodeURIComponent(secret));
      out.add(new URLSearchParams({ s: secret }).toString().slice(2));
      out.add(Buffer.from(secret).toString("base64"));
      for (const core of base64Cores(secret)) {
        out.add(core);
        out.add(core.replace(/\+/g, "-").replace(/\//g, "_"));
      }
      const json = JSON.stringify(secret).slice(1, -1);
      out.add(json);
      out.add(json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
    }
    this.expanded = out;
    return out;
  }

  /**
   * A child for one request: also knows the secret-looking string fields of
   * `body`, and, when it has any, the whole body as sent (an echo of all of
   * it, encoded, is hidden whole rather than around each secret).
   */
  forRequest(body: unknown): Redactor {
    const secrets = secretValues(body);
    const child = new Redactor(secrets, this);
    if (secrets.length > 0) child.add(JSON.stringify(body));
    return child;
  }

  /** Learns an `Authorization` value the client sent, and its credential parts (which a server may echo escaped). */
  addAuthorization(value: string | undefined): void {
    if (!value) return;
    this.add(value);
    const credential = /^(?:Basic|Bearer)\s+(\S+)/i.exec(value)?.[1];
    if (credential) this.add(credential);
    for (const m of value.matchAll(/\b(?:response|cnonce)="([^"]+)"/gi)) this.add(m[1]);
  }

  private all(): string[] {
    return this.parent ? [...this.parent.all(), ...this.own()] : [...this.own()];
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is replaced whole.
    for (const s of this.all().sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
    }
    return redactPem(redactAuthorization(out));
  }
}

/**
 * The base64 characters that encode `secret` wherever it sits in a longer
 * text: base64 turns 3 bytes into 4 characters, so the secret's encoding
 * depends on its offset modulo 3. For each offset, the characters that
 * depend only on the secret's bytes (whole 4-character groups, less the
 * first when it mixes in a preceding byte and the last when it mixes in a
 * following one).
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const core = encoded.slice(offset === 0 ? 0 : 4, 4 * Math.floor((offset + bytes.length) / 3));
    if (core.length >= MIN_SECRET_LENGTH) out.push(core);
  }
  return out;
}

/**
 * Masks PEM blocks (certificates, private keys) wherever they appear, also
 * JSON-escaped (`\n` for line breaks) or cut off before their END line: a
 * server may echo an issued certificate and its key in an error.
 */
export function redactPem(text: string): string {
  return text.replace(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(?:-----END \1-----|$)/g, `-----BEGIN $1----- ${REDACTED} -----END $1-----`);
}

/** Masks `Authorization`/`Bearer`/`Basic`/`Digest` credentials wherever they appear in text. */
export function redactAuthorization(text: string): string {
  return text
    .replace(/(authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi, `$1${REDACTED}`)
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`)
    .replace(/\b(response|cnonce)="[^"]*"/gi, `$1="${REDACTED}"`);
}

/** Whether a field of this name holds a secret (`password`, `clientSecret`, `apiKey`, ...). */
export function isSecretFieldName(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** String values of secret-looking fields anywhere in a JSON-like value. */
export function secretValues(value: unknown, depth = 0): string[] {
  if (depth > 20 || value === null || typeof value !== "object") return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === "string" && isSecretFieldName(key)) out.push(v);
    else if (typeof v === "object") out.push(...secretValues(v, depth + 1));
  }
  return out;
}
