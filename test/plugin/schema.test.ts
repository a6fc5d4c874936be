/**
 * The committed schema.json is what `npm run schema` writes from the zod
 * schemas, and it says what the plugin does: secrets marked, enums where the
 * schemas have them, the provider's config keys.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_KEYS } from "../../provider/config";
import { secretFieldsOf } from "../../provider/common/secretFields";
import { DatabaseUserInputsSchema } from "../../provider/databaseUser/schema";
import { packageSchema, schemaText } from "../../scripts/schema";

const ROOT = path.resolve(__dirname, "../..");

test("schema.json is up to date (run `npm run schema` when this fails)", () => {
  const committed = fs.readFileSync(path.join(ROOT, "schema.json"), "utf8");
  expect(committed === schemaText(ROOT)).toBe(true);
});

test("secrets, required inputs, enums and config variables come from the schemas", () => {
  const schema = packageSchema(ROOT) as any;
  const user = schema.resources["atlas-users:index:DatabaseUser"];
  expect(user.inputProperties.password).toMatchObject({ type: "string", secret: true });
  expect(user.properties.password).toMatchObject({ type: "string", secret: true });
  expect(user.requiredInputs).toEqual(["projectId", "username", "roles"]);
  expect(schema.resources["atlas-users:index:X509Certificate"].properties.certificate.secret).toBe(true);
  expect(schema.resources["atlas-users:index:CloudUser"].inputProperties.password.secret).toBe(true);
  // Every secret field of an input schema is secret in the package schema, and nothing else is.
  const secretInputs = Object.entries(user.inputProperties).filter(([, p]) => (p as { secret?: boolean }).secret).map(([k]) => k);
  expect(secretInputs).toEqual(secretFieldsOf(DatabaseUserInputsSchema));
  expect(schema.types["atlas-users:index:DatabaseUserX509Type"].enum.map((e: { value: string }) => e.value)).toEqual(["NONE", "CUSTOMER", "MANAGED"]);
  expect(Object.keys(schema.config.variables).sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
  expect(schema.config.variables.privateKey.secret).toBe(true);
  expect(schema.config.variables.clientSecret.secret).toBe(true);
  expect(schema.config.variables.publicKey.secret).toBeUndefined();
  for (const [token, resource] of Object.entries(schema.resources) as [string, any][]) {
    for (const [name, prop] of Object.entries({ ...resource.inputProperties, ...resource.properties }) as [string, any][]) {
      expect(`${token}.${name}: ${typeof prop.description}`).toBe(`${token}.${name}: string`);
    }
  }
});
