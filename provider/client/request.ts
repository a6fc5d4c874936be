/**
 * The shape of one Atlas API call, as resources describe it to the client.
 * Resources never build URLs, headers or bodies' wire form themselves: they
 * describe the operation here and `AtlasClient.send` does the rest.
 */

/**
 * The media-type version an operation is served under. `null` means the
 * unversioned `application/json` APIs (`/api/atlas/v1.0`, `/api/public/v1.0`).
 */
export type ApiVersion = "2023-01-01" | "2025-02-19" | null;

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface ApiRequest {
  readonly method: HttpMethod;
  /** Path below the base URL, already encoded: build it with {@link apiPath}. */
  readonly path: string;
  readonly version: ApiVersion;
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** JSON body; serialized by the client. */
  readonly body?: unknown;
  /**
   * What a 2xx answer must be: a JSON object with these fields (`what` names
   * it in errors). Anything else (`null`, an array, a proxy's `{"status":"ok"}`)
   * is an `AtlasApiError` naming the request, not a `TypeError` or bad state later.
   */
  readonly returns?: ExpectedAnswer;
  /** The 2xx answer is a text file (the certificate endpoint's PEM), returned as a string, never parsed or quoted. */
  readonly returnsText?: true;
}

/** The object an operation's 2xx answer must be; see {@link ApiRequest.returns}. */
export interface ExpectedAnswer {
  /** E.g. "a database user". */
  readonly what: string;
  /** Fields that must be present (not null). */
  readonly fields: readonly string[];
}

/**
 * Tagged template that URL-encodes every interpolated path parameter, so
 * `$external`, ARNs, DNs with commas and OIDC names with `/` stay one segment:
 * apiPath`/api/atlas/v2/groups/${groupId}/databaseUsers/${db}/${username}`.
 * A parameter that is `.` or `..` is sent as `%2E` / `%2E%2E`: left as it
 * is, a proxy resolving dot segments would route `…/admin/..` to the list.
 */
export function apiPath(strings: TemplateStringsArray, ...params: readonly string[]): string {
  let out = strings[0];
  for (let i = 0; i < params.length; i++) {
    out += encodePathParam(params[i]) + strings[i + 1];
  }
  return out;
}

function encodePathParam(param: string): string {
  return param === "." || param === ".." ? param.replace(/\./g, "%2E") : encodeURIComponent(param);
}

/** The media type that goes with a version, for `Accept` and `Content-Type`. */
export function mediaType(version: ApiVersion): string {
  return version === null ? "application/json" : `application/vnd.atlas.${version}+json`;
}
