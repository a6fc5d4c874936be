/**
 * The `atlas-users` CrossGuard policy pack: access rules for the identities
 * this package manages, run by `pulumi preview --policy-pack
 * node_modules/pulumi-atlas-users/policy` (PulumiPolicy.yaml and package.json
 * beside this file's source point the CLI here). docs/policies.md describes
 * every rule, its settings and how to run it in CI.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";
import { captureStackConfig } from "./stackConfig";

// Before the pack starts its server: the server registers the decoder it wraps.
captureStackConfig();
new PolicyPack(PACK_NAME, { policies });
