/**
 * The changes in a `pulumi preview --json` document, one per resource of
 * this package (type `pulumi-nodejs:dynamic/atlas-users:<Class>`), with the
 * old and new properties the engine put in the preview.
 *
 * What the document holds (checked against the CLI's output in
 * test/review/review.engine.test.ts): `steps[]`, each with `op`, `urn`,
 * `oldState` / `newState` (`type`, `inputs`, and for existing resources
 * `outputs`), and `replaceReasons` on replacements. Node.js dynamic providers
 * report no changed keys (`diffReasons`, `detailedDiff` are empty): the
 * review compares old and new inputs itself. Secrets are `"[secret]"`
 * unless the preview ran with `--show-secrets`; they are never printed either way.
 */
import { InputError, isRecord, parseJsonDocument } from "../cli/input";
import { TYPE_PREFIX } from "../policy/resources";

export { TYPE_PREFIX };

export type Props = Record<string, unknown>;

/** What an `up` would do to one resource. */
export type ChangeOp = "create" | "update" | "replace" | "delete";

export interface Change {
  op: ChangeOp;
  /** The resource's type token. */
  type: string;
  /** The class (`DatabaseUser`), the part of the type token after the prefix. */
  kind: string;
  /** The resource's name in the program. */
  name: string;
  urn: string;
  /** Inputs before (update, replace, delete). */
  olds?: Props;
  /** Outputs before (update, replace, delete): what the last `up` or `refresh` saw. */
  oldOutputs?: Props;
  /** Inputs after (create, update, replace). */
  news?: Props;
  /** The properties whose change forces the replacement (replace). */
  replaceReasons: string[];
}

const PRODUCE = "`pulumi preview --json > preview.json`";
const WHAT = "the JSON of `pulumi preview --json`";

/** The ops of a preview step, as the op the review reports (undefined: no change to report). */
const OPS: Readonly<Record<string, ChangeOp | undefined>> = {
  create: "create",
  update: "update",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  delete: "delete",
  // `same`, `read`, `refresh`, `import`, `discard` (forget) do not change access.
};

/** Parses a preview document and returns its changes to this package's resources, in the preview's order. */
export function readPreview(text: string): Change[] {
  const doc = parseJsonDocument(text, WHAT, PRODUCE);
  if (!isRecord(doc)) throw new InputError(`the input is JSON but not a preview (it is ${Array.isArray(doc) ? "an array" : typeof doc}): expected ${WHAT}`);
  if (!Array.isArray(doc.steps)) {
    if (isRecord(doc.deployment) || isRecord(doc.checkpoint)) {
      throw new InputError(
        "the input is a stack's state (`pulumi stack export`), not a preview: `review` reads the JSON of `pulumi preview --json`; `audit` reads a state",
      );
    }
    if (Array.isArray(doc.diagnostics) && doc.diagnostics.length > 0) {
      throw new InputError(`the preview failed and has no steps; its first diagnostic: ${String((doc.diagnostics[0] as Props)?.message ?? "").trim().slice(0, 300)}`);
    }
    throw new InputError(`the input is JSON but not a preview: it has no "steps" list (its keys: ${Object.keys(doc).slice(0, 8).join(", ") || "none"}). Expected ${WHAT} (${PRODUCE})`);
  }
  const byUrn = new Map<string, Change>();
  doc.steps.forEach((step, i) => {
    if (!isRecord(step) || typeof step.op !== "string" || typeof step.urn !== "string") {
      throw new InputError(`preview step ${i} has no "op" and "urn": the input is not the JSON of \`pulumi preview --json\``);
    }
    const op = OPS[step.op];
    const oldState = isRecord(step.oldState) ? step.oldState : undefined;
    const newState = isRecord(step.newState) ? step.newState : undefined;
    const type = String(newState?.type ?? oldState?.type ?? typeFromUrn(step.urn));
    if (op === undefined || !type.startsWith(TYPE_PREFIX)) return;
    const change = byUrn.get(step.urn) ?? {
      op,
      type,
      kind: type.slice(TYPE_PREFIX.length),
      name: step.urn.split("::").pop() ?? step.urn,
      urn: step.urn,
      replaceReasons: [],
    };
    if (op === "replace") change.op = "replace";
    if (oldState) {
      change.olds ??= propsOf(oldState.inputs);
      change.oldOutputs ??= propsOf(oldState.outputs);
    }
    if (newState && step.op !== "delete-replaced") change.news ??= propsOf(newState.inputs);
    if (Array.isArray(step.replaceReasons)) {
      for (const r of step.replaceReasons) if (typeof r === "string" && !change.replaceReasons.includes(r)) change.replaceReasons.push(r);
    }
    byUrn.set(step.urn, change);
  });
  return [...byUrn.values()];
}

function propsOf(value: unknown): Props | undefined {
  if (!isRecord(value)) return undefined;
  const { __provider: _provider, ...rest } = value;
  return rest;
}

/** `urn:pulumi:stack::project::type::name` → type (the last type of a parent chain `a$b`). */
function typeFromUrn(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? (parts[2].split("$").pop() ?? "") : "";
}
