/**
 * Keeps the benchmark from rotting: the whole of `bench/bench.ts` at N=3
 * through the real engine. Asserts that the report has every metric and that
 * the counts are sane; never asserts on time.
 */
import { METRIC_KEYS, formatTable, runBench, type BenchReport } from "../../bench/bench";
import { HostRssSampler } from "../../bench/procRss";
import { describeEngine } from "../support/engine";

const USERS = 3;

describeEngine("bench smoke (N=3)", () => {
  let report: BenchReport;

  beforeAll(async () => {
    report = await runBench({
      users: USERS,
      runs: 1,
      latencyMs: 5,
      digestCalls: 40,
      // The do-nothing comparison adds three engine operations and no check of ours.
      baseline: false,
      // Small enough that 3 creates hit the limit: the bucket holds 1 token.
      rateLimit: { capacity: 1, refillPerMinute: 120 },
      log: () => undefined,
    });
  }, 480_000);

  test("the report has every metric key, each a number", () => {
    expect(Object.keys(report.metrics).sort()).toEqual([...METRIC_KEYS].sort());
    for (const key of METRIC_KEYS) {
      if (key === "up.create100.hostPeakRssMb" && !HostRssSampler.supported) continue;
      expect({ key, value: report.metrics[key] }).toEqual({ key, value: expect.any(Number) });
    }
    expect(report.pulumi.parallelism).toBeGreaterThan(0);
    expect(report.node).toBe(process.version);
    expect(formatTable(report)).toContain("preview.noop100.requests");
  });

  test("request counts: one per created or read resource, two per updated one (the ownership label, then the PATCH), plus at most one digest challenge; none for an unchanged preview", () => {
    const m = report.metrics;
    expect(m["preview.noop100.requests"]).toBe(0);
    for (const key of ["up.create100.requests", "refresh100.requests"] as const) {
      expect({ key, value: m[key] }).toEqual({ key, value: expect.any(Number) });
      expect(m[key]).toBeGreaterThanOrEqual(USERS);
      expect(m[key]).toBeLessThanOrEqual(USERS + 1);
    }
    // An update first reads the user's ownership label (another stack may have taken it over), then PATCHes.
    expect(m["up.update100.requests"]).toBeGreaterThanOrEqual(2 * USERS);
    expect(m["up.update100.requests"]).toBeLessThanOrEqual(2 * USERS + 1);
  });

  test("digest: the cached challenge costs about one exchange per call, the naive client two", () => {
    expect(report.metrics["digest.roundTripsPerRequest"]).toBeLessThanOrEqual(1.05);
    expect(report.metrics["digest.naiveRoundTripsPerRequest"]).toBe(2);
  });

  test("sizes: __provider is small and stored in every resource; the host's peak memory was seen", () => {
    const providerBytes = report.metrics["provider.textBytes"]!;
    expect(providerBytes).toBeGreaterThan(50);
    expect(providerBytes).toBeLessThan(4096);
    // Inputs and outputs each hold a copy.
    expect(report.metrics["state.bytesPerResource"]!).toBeGreaterThan(2 * providerBytes);
    if (HostRssSampler.supported) expect(report.metrics["up.create100.hostPeakRssMb"]!).toBeGreaterThan(10);
  });

  test("rate limited: every create succeeds, and the bucket did push back", () => {
    expect(report.metrics["rateLimited.create100.failures"]).toBe(0);
    const byStatus = (report.details.rateLimited as { requestsByStatus: Record<string, number> }).requestsByStatus;
    expect(byStatus["429"] ?? 0).toBeGreaterThan(0);
  });
});
