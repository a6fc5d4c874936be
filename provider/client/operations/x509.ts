/**
 * Atlas-managed X.509 certificate operations: Atlas v2
 * `/groups/{groupId}/databaseUsers/{username}/certs` (`2023-01-01`). The POST
 * answers a PEM file (the certificate and its private key) as text; the GET
 * lists the user's unexpired certificates. Atlas has no call that revokes
 * one certificate.
 */
import { apiPath, type ApiRequest } from "../request";

interface Sender {
  send<T>(req: ApiRequest): Promise<T>;
}

const VERSION = "2023-01-01" as const;

export interface UserCertKey {
  projectId: string;
  username: string;
}

/** UserCert as listed. `_id` is the certificate's serial number. */
export interface UserCertResponse {
  _id: number | string;
  createdAt?: string;
  notAfter?: string;
}

/** `POST …/certs` → 201 with the PEM (certificate, then private key): a secret the client never quotes. */
export function createUserCert(client: Sender, key: UserCertKey, monthsUntilExpiration: number): Promise<string> {
  return client.send<string>({ method: "POST", path: certsPath(key), version: VERSION, body: { monthsUntilExpiration }, returnsText: true });
}

/** `GET …/certs` → the unexpired certificates (one page of up to 500). */
export async function listUserCerts(client: Sender, key: UserCertKey): Promise<UserCertResponse[]> {
  const page = await client.send<{ results?: UserCertResponse[] }>({
    method: "GET",
    path: certsPath(key),
    version: VERSION,
    query: { itemsPerPage: 500, includeCount: false },
    returns: { what: "a list of certificates", fields: ["results"] },
  });
  return page.results ?? [];
}

function certsPath(key: UserCertKey): string {
  return apiPath`/api/atlas/v2/groups/${key.projectId}/databaseUsers/${key.username}/certs`;
}
