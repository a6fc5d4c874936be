/**
 * `pulumi-atlas-users review`: what a preview changes in who may reach what,
 * as sentences, from the JSON of `pulumi preview --json`.
 */
import { DEFAULTS } from "../policy/rules";
import { describeChange } from "./describers";
import type { DescribeContext, Section } from "./model";
import { readPreview } from "./preview";
import { renderJson, renderMarkdown, summarize, type Summary } from "./render";

export { DESCRIBERS, describeGeneric } from "./describers";
export { readPreview, TYPE_PREFIX, type Change } from "./preview";

export interface ReviewOptions {
  format?: "markdown" | "json";
  /** The review's clock (expiry windows, expired invitations); default now. */
  now?: Date;
  /** Default: the policy pack's `privileged-database-roles` list. */
  privilegedDatabaseRoles?: readonly string[];
  /** Default: the policy pack's `owner-roles` list. */
  ownerRoles?: readonly string[];
  /** Markdown only: leave out whole sections from the end past this many characters (a PR comment holds 65,536). */
  maxChars?: number;
}

export interface Review {
  sections: Section[];
  summary: Summary;
  output: string;
}

/** Reviews a preview document (its text). Throws `InputError` for input that is not a preview. */
export function review(previewText: string, opts: ReviewOptions = {}): Review {
  const ctx: DescribeContext = {
    now: opts.now ?? new Date(),
    privilegedDatabaseRoles: opts.privilegedDatabaseRoles ?? DEFAULTS["privileged-database-roles"].privilegedRoles,
    ownerRoles: opts.ownerRoles ?? DEFAULTS["owner-roles"].ownerRoles,
  };
  const sections = readPreview(previewText).map((c) => describeChange(c, ctx));
  const summary = summarize(sections);
  const output = opts.format === "json" ? renderJson(sections, summary) : renderMarkdown(sections, summary, opts.maxChars);
  return { sections, summary, output };
}
