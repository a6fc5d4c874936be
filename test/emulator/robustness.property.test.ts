/**
 * Property tests: whatever a client sends, the emulator answers with a real
 * Atlas status and body (never a 5xx, never a dropped connection), and every
 * v2 answer is valid against the spec.
 */
import fc from "fast-check";
import { serviceAccountToken } from "../support/atlasApi";
import { assertSpecValid } from "../support/checkedApi";
import { startTestEmulator, type EmulatorHandle } from "../support/emulator";

const V = "application/vnd.atlas.2023-01-01+json";
let emu: EmulatorHandle;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  token = await serviceAccountToken(emu);
});
afterAll(() => emu.close());

async function send(method: string, path: string, body: string | undefined, headers: Record<string, string> = {}) {
  const res = await fetch(`${emu.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: V, ...(body === undefined ? {} : { "content-type": V }), ...headers },
    body,
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new Error(`${method} ${path} → ${res.status} with a non-JSON body: ${text.slice(0, 200)}`);
  }
  const answer = { status: res.status, contentType: res.headers.get("content-type") ?? undefined, body: parsed };
  assertSpecValid(method, path, answer);
  return answer;
}

/** Bodies near the real shape, so the rules behind the schema get exercised too. */
const userLike = fc.record(
  {
    groupId: fc.oneof(fc.constant("__PROJECT__"), fc.string()),
    databaseName: fc.constantFrom("admin", "$external", "local", ""),
    username: fc.oneof(fc.string({ minLength: 1 }), fc.constant("CN=a,OU=b"), fc.constant("arn:aws:iam::123456789012:user/x")),
    password: fc.string(),
    roles: fc.array(fc.record({ roleName: fc.constantFrom("read", "atlasAdmin", "custom"), databaseName: fc.string() }, { requiredKeys: [] })),
    scopes: fc.array(fc.record({ name: fc.string(), type: fc.string() })),
    labels: fc.array(fc.record({ key: fc.string(), value: fc.string() })),
    deleteAfterDate: fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
    x509Type: fc.constantFrom("NONE", "MANAGED", "CUSTOMER", "BOGUS"),
    awsIAMType: fc.constantFrom("NONE", "USER", "ROLE"),
    oidcAuthType: fc.constantFrom("NONE", "IDP_GROUP", "USER"),
    description: fc.string({ maxLength: 120 }),
  },
  { requiredKeys: [] },
);

test("POST and PATCH of arbitrary JSON never produce a 5xx, and answers match the spec", async () => {
  const collection = `/api/atlas/v2/groups/${emu.projectId}/databaseUsers`;
  await fc.assert(
    fc.asyncProperty(fc.oneof(userLike, fc.jsonValue()), fc.constantFrom("POST", "PATCH"), async (value, method) => {
      const body = JSON.stringify(value).replaceAll("__PROJECT__", emu.projectId);
      const path = method === "POST" ? collection : `${collection}/admin/${encodeURIComponent("someone")}`;
      const res = await send(method, path, body);
      expect(res.status).toBeLessThan(500);
    }),
    { numRuns: 150 },
  );
});

test("arbitrary path segments and raw bytes are answered, not crashed on", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.string({ minLength: 1, maxLength: 12 }).map((s) => encodeURIComponent(s)), { minLength: 1, maxLength: 6 }),
      fc.constantFrom("GET", "POST", "PATCH", "DELETE", "PUT"),
      fc.uint8Array({ maxLength: 64 }),
      async (segments, method, bytes) => {
        const path = `/api/atlas/v2/groups/${emu.projectId}/${segments.join("/")}`;
        const hasBody = method !== "GET" && bytes.length > 0;
        const res = await fetch(`${emu.baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, accept: V, ...(hasBody ? { "content-type": V } : {}) },
          body: hasBody ? Buffer.from(bytes) : undefined,
        });
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get("content-type") ?? "application/json").toMatch(/json/);
        await res.arrayBuffer();
      },
    ),
    { numRuns: 150 },
  );
});
