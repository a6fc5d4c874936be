/**
 * pulumi-atlas-users: MongoDB Cloud identities as Pulumi resources.
 */
export * from "./databaseUser";
export * from "./orgInvitation";
export * from "./cloudUser";
export * from "./customDbRole";
export * from "./x509Certificate";
export * from "./projectMembership";
export * from "./team";
export * from "./teamMembership";
export * from "./teamProjectAccess";
