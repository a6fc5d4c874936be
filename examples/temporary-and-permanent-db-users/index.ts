// Database users of one Atlas project:
//  - app:      a permanent SCRAM user; its password comes from secret config and stays a secret in state;
//  - oncall:   a temporary user for a support shift: Atlas deletes it 12 hours after creation, and the
//              next `pulumi up` after that creates it again with a fresh 12 hours (onExpiry "recreate");
//  - auditor:  a temporary X.509 user with a fixed end date (optional: set `auditorUntil` to a date
//              within the next 7 days); once that date passes, `pulumi up` stops with an error asking
//              for a new date (onExpiry "fail"), so an expired grant is never silently renewed.
import * as pulumi from "@pulumi/pulumi";
import { DatabaseUser } from "pulumi-atlas-users";

const config = new pulumi.Config();
const projectId = config.require("projectId");

const app = new DatabaseUser("app", {
  projectId,
  username: "orders-service",
  password: config.requireSecret("appPassword"),
  roles: [{ roleName: "readWrite", databaseName: "orders" }],
  labels: [{ key: "team", value: "orders" }],
  description: "the orders service's own login",
});

const oncall = new DatabaseUser("oncall", {
  projectId,
  username: "oncall-support",
  password: config.requireSecret("oncallPassword"),
  roles: [{ roleName: "read", databaseName: "orders" }],
  expiresIn: "12h",
});

const auditorUntil = config.get("auditorUntil"); // e.g. 2026-05-04T18:00:00Z
const auditor = auditorUntil
  ? new DatabaseUser("auditor", {
      projectId,
      username: "CN=auditor,OU=compliance,O=example",
      x509Type: "CUSTOMER",
      roles: [{ roleName: "read", databaseName: "orders", collectionName: "invoices" }],
      deleteAfterDate: auditorUntil,
    })
  : undefined;

export const appUser = app.id;
export const appPassword = app.password; // a secret: `pulumi stack output --show-secrets appPassword`
export const oncallUser = oncall.id;
export const oncallExpiresAt = oncall.deleteAfterDate; // fixed at creation; re-running does not move it
export const auditorUser = auditor?.id;
