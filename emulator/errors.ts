import { EmulatorError } from "./types";

const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  410: "Gone",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? "Error";
}

/** The Atlas error body: `{detail, error, errorCode, parameters, reason, badRequestDetail?}`. */
export function atlasErrorBody(err: EmulatorError): Record<string, unknown> {
  const body: Record<string, unknown> = {
    detail: err.detail,
    error: err.status,
    errorCode: err.errorCode,
    parameters: [...err.parameters],
    reason: reasonPhrase(err.status),
  };
  if (err.badRequestDetail) body.badRequestDetail = err.badRequestDetail;
  return body;
}

/** The error code the emulator uses for a bare status (fault injection). */
export function defaultErrorCode(status: number): string {
  switch (status) {
    case 400:
      return "VALIDATION_ERROR";
    case 401:
      return "USER_UNAUTHORIZED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "RESOURCE_NOT_FOUND";
    case 409:
      return "CONFLICT";
    case 429:
      return "RATE_LIMITED";
    case 500:
      return "UNEXPECTED_ERROR";
    case 502:
      return "BAD_GATEWAY";
    case 503:
      return "SERVICE_UNAVAILABLE";
    case 504:
      return "GATEWAY_TIMEOUT";
    default:
      return status >= 500 ? "UNEXPECTED_ERROR" : "VALIDATION_ERROR";
  }
}
