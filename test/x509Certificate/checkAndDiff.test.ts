/**
 * X509Certificate's `check` and `diff`, which send no request: the inputs'
 * rules, and renewal decided from the state's notAfter and the clock.
 */
import { provider } from "../../provider/x509Certificate/provider";
import type { X509CertificateInputs, X509CertificateState } from "../../provider/x509Certificate/schema";

const projectId = "5f1a2b3c4d5e6f7a8b9c0d1e";
const DAY = 86_400_000;
const stateEnding = (inMs: number): X509CertificateState => ({
  projectId,
  username: "etl",
  certificate: "-----BEGIN CERTIFICATE-----\n...",
  serialNumber: "1000001",
  notBefore: new Date(Date.now() - DAY).toISOString(),
  notAfter: new Date(Date.now() + inMs).toISOString(),
});

test.each([
  [{ monthsUntilExpiration: 25 }, /^monthsUntilExpiration: monthsUntilExpiration must be at most 24/],
  [{ monthsUntilExpiration: 0 }, /^monthsUntilExpiration: monthsUntilExpiration must be at least 1/],
  [{ renewBefore: "soon" }, /^renewBefore: "soon" is not a duration/],
  [{ monthsUntilExpiration: 1, renewBefore: "30d" }, /^renewBefore: renewBefore \(30d\) must be shorter than the certificate's validity \(1 month\)/],
])("check refuses %j", async (news, message) => {
  const result = await provider.check({}, { projectId, username: "etl", ...news });
  expect((result.failures ?? []).map((f) => `${f.property}: ${f.reason}`)).toEqual([expect.stringMatching(message)]);
});

test("diff: nothing while now < notAfter − renewBefore; a replace of notAfter from then on; renewBefore counts", async () => {
  const inputs: X509CertificateInputs = { projectId, username: "etl" };
  expect(await provider.diff("id", stateEnding(31 * DAY), inputs)).toMatchObject({ changes: false, replaces: [] });
  expect(await provider.diff("id", stateEnding(29 * DAY), inputs)).toMatchObject({ changes: true, replaces: ["notAfter"], deleteBeforeReplace: false });
  expect(await provider.diff("id", stateEnding(29 * DAY), { ...inputs, renewBefore: "7d" })).toMatchObject({ replaces: [] });
  expect(await provider.diff("id", stateEnding(29 * DAY), { ...inputs, username: "other" })).toMatchObject({ replaces: ["username"] });
});
