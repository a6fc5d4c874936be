// Least privilege for the services of one Atlas project:
//  - reportReader: a custom database role that may read the `reports` database, list its
//                  collections and read the server status, and nothing else;
//  - reports-api:  a SCRAM user (password from secret config) holding only that role;
//  - reports-etl:  an Atlas-managed X.509 user holding the same role, and its certificate,
//                  renewed by `pulumi up` 30 days before it ends (a secret output).
// Both users name the role through its `roleName` output, so Pulumi creates the role first
// (Atlas refuses a user whose custom role does not exist yet) and deletes it last (Atlas
// refuses to delete a role that would leave a user without one).
import * as pulumi from "@pulumi/pulumi";
import { CustomDbRole, DatabaseUser, X509Certificate } from "pulumi-atlas-users";

const config = new pulumi.Config();
const projectId = config.require("projectId");

const reportReader = new CustomDbRole("report-reader", {
  projectId,
  roleName: "reportReader",
  actions: [
    { action: "FIND", resources: [{ db: "reports" }] },
    { action: "LIST_COLLECTIONS", resources: [{ db: "reports" }] },
    { action: "SERVER_STATUS", resources: [{ cluster: true }] },
  ],
});

// Custom roles are granted on the admin database: the role says which databases it covers.
const holdsReportReader = [{ roleName: reportReader.roleName, databaseName: "admin" }];

const api = new DatabaseUser("reports-api", {
  projectId,
  username: "reports-api",
  password: config.requireSecret("reportsApiPassword"),
  roles: holdsReportReader,
  description: "the reports API: read-only on reports",
});

const etl = new DatabaseUser("reports-etl", {
  projectId,
  username: "reports-etl",
  x509Type: "MANAGED",
  roles: holdsReportReader,
});

const etlCertificate = new X509Certificate("reports-etl-cert", {
  projectId,
  username: etl.username,
  monthsUntilExpiration: 3,
  renewBefore: "30d",
});

export const roleId = reportReader.id;
export const roleActions = reportReader.actions;
export const apiUser = api.id;
export const etlUser = etl.id;
export const etlCertificatePem = etlCertificate.certificate; // a secret: `pulumi stack output --show-secrets etlCertificatePem`
export const etlCertificateEnds = etlCertificate.notAfter;
