/** The Atlas API client: the only code in the package that speaks HTTP. */
export { AtlasClient, DEFAULT_BASE_URL, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, isLoopbackHost, parseBaseUrl } from "./client";
export type { AtlasClientOptions, AtlasCredentials } from "./client";
export {
  AtlasApiError,
  AtlasNetworkError,
  InvalidOptionError,
  hasErrorCode,
  isConflict,
  isNotFound,
} from "./errors";
export type { BadRequestField } from "./errors";
export { apiPath, mediaType } from "./request";
export type { ApiRequest, ApiVersion, HttpMethod, QueryValue } from "./request";
export type { RetryPolicy } from "./retry";
