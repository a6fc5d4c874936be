/** The X509Certificate resource: Atlas-managed X.509 certificates of database users, renewed declaratively. */
export { X509Certificate } from "./resource";
export type { X509CertificateArgs } from "./resource";
