/**
 * The route table: every route module's `routes`, and their `sweep`s (the
 * housekeeping the core runs before each request and after clock moves).
 * Add a module here when you add a file under `emulator/routes/`.
 */
import type { Route, RouteModule, Sweep } from "../types";
import * as cloudUsers from "./cloudUsers";
import * as customDbRoles from "./customDbRoles";
import * as databaseUsers from "./databaseUsers";
import * as invitations from "./invitations";
import * as orgUsers from "./orgUsers";
import * as projectUsers from "./projectUsers";
import * as teams from "./teams";
import * as userCerts from "./userCerts";

const modules: readonly RouteModule[] = [databaseUsers, customDbRoles, userCerts, orgUsers, projectUsers, teams, cloudUsers, invitations];

export const routes: readonly Route[] = modules.flatMap((m) => m.routes);

export const sweeps: readonly Sweep[] = modules.flatMap((m) => (m.sweep ? [m.sweep] : []));
