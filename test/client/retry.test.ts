import { AtlasClient, type AtlasClientOptions } from "../../provider/client/client";
import { AtlasApiError, AtlasNetworkError } from "../../provider/client/errors";
import { parseRetryAfter, retryDelay, retrying, type RetryPolicy } from "../../provider/client/retry";
import { sendAtlasError, sendJson, startTestServer, type Handler, type TestServer } from "../support/httpServer";
import { rejectionOf } from "../support/rejection";

const credentials: AtlasClientOptions["credentials"] = { kind: "apiKey", publicKey: "pub-key-1", privateKey: "priv-key-secret-1" };

/** A server that needs no auth (answers without challenging) and follows a script, one answer per request. */
async function scripted(...answers: Handler[]): Promise<TestServer> {
  let i = 0;
  return startTestServer((req, res, raw) => {
    const answer = answers[Math.min(i++, answers.length - 1)];
    return answer(req, res, raw);
  });
}
const ok: Handler = (_req, res) => sendJson(res, 200, { ok: true });
const status =
  (code: number, errorCode = "UNEXPECTED_ERROR", headers = {}): Handler =>
  (_req, res) =>
    sendAtlasError(res, code, errorCode, `status ${code}`, headers);
const reset: Handler = (_req, _res, raw) => {
  raw.socket.destroy();
};

const fast = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

async function withClient<T>(server: TestServer, opts: Partial<AtlasClientOptions>, fn: (c: AtlasClient) => Promise<T>): Promise<T> {
  const client = new AtlasClient({ baseUrl: server.url, credentials, retry: fast, ...opts });
  try {
    return await fn(client);
  } finally {
    await client.close();
    await server.close();
  }
}

describe("retries over the wire", () => {
  test("429 with Retry-After: 1 is retried no earlier than 1 s later", async () => {
    const server = await scripted(status(429, "RATE_LIMITED", { "retry-after": "1" }), ok);
    await withClient(server, {}, async (client) => {
      await expect(client.send({ method: "POST", path: "/api/atlas/v2/groups/g/databaseUsers", version: "2023-01-01", body: {} })).resolves.toEqual({ ok: true });
      expect(server.requests).toHaveLength(2);
      expect(server.requests[1].at - server.requests[0].at).toBeGreaterThanOrEqual(1000);
    });
  });

  test("POST on 500 is not retried", async () => {
    const server = await scripted(status(500), ok);
    await withClient(server, {}, async (client) => {
      const err = await rejectionOf(client.send({ method: "POST", path: "/things", version: null, body: { a: 1 } }), AtlasApiError);
      expect(err).toMatchObject({ status: 500, errorCode: "UNEXPECTED_ERROR", method: "POST", path: "/things" });
      expect(server.requests).toHaveLength(1);
    });
  });

  test("PATCH on 503 is not retried either", async () => {
    const server = await scripted(status(503), ok);
    await withClient(server, {}, async (client) => {
      await expect(client.send({ method: "PATCH", path: "/things/1", version: null, body: {} })).rejects.toMatchObject({ status: 503 });
      expect(server.requests).toHaveLength(1);
    });
  });

  test("GET on 503 is retried until it succeeds", async () => {
    const server = await scripted(status(503), status(502), ok);
    await withClient(server, {}, async (client) => {
      await expect(client.send({ method: "GET", path: "/things", version: null })).resolves.toEqual({ ok: true });
      expect(server.requests).toHaveLength(3);
    });
  });

  test("attempts are bounded: the last error is thrown, naming the attempt count", async () => {
    const server = await scripted(status(503));
    await withClient(server, { retry: { ...fast, maxAttempts: 3 } }, async (client) => {
      const err = await rejectionOf(client.send({ method: "DELETE", path: "/things/1", version: null }), AtlasApiError);
      expect(err).toMatchObject({ status: 503 });
      expect(err.message).toContain("after 3 attempts");
      expect(server.requests).toHaveLength(3);
    });
  });

  test("total retry time is bounded", async () => {
    const server = await scripted(status(429, "RATE_LIMITED", { "retry-after": "30" }));
    await withClient(server, { retry: { ...fast, maxAttempts: 10, maxElapsedMs: 2000 } }, async (client) => {
      await expect(client.send({ method: "GET", path: "/x", version: null })).rejects.toMatchObject({ status: 429, errorCode: "RATE_LIMITED" });
      expect(server.requests).toHaveLength(1); // waiting 30 s would exceed the 2 s budget
    });
  });

  test("4xx other than 429 is never retried", async () => {
    const server = await scripted(status(404, "USERNAME_NOT_FOUND"), ok);
    await withClient(server, {}, async (client) => {
      await expect(client.send({ method: "GET", path: "/x", version: null })).rejects.toMatchObject({ status: 404 });
      expect(server.requests).toHaveLength(1);
    });
  });

  test("a connection reset on POST is not retried: AtlasNetworkError, mayHaveBeenApplied", async () => {
    const server = await scripted(reset, ok);
    await withClient(server, {}, async (client) => {
      const err = await rejectionOf(client.send({ method: "POST", path: "/things", version: null, body: { password: "hunter2-password" } }), AtlasNetworkError);
      expect(err).toMatchObject({ method: "POST", path: "/things", mayHaveBeenApplied: true });
      expect(err.message).toContain("may or may not have been applied");
      expect(server.requests).toHaveLength(1);
    });
  });

  test("a connection reset on GET is retried", async () => {
    const server = await scripted(reset, ok);
    await withClient(server, {}, async (client) => {
      await expect(client.send({ method: "GET", path: "/things", version: null })).resolves.toEqual({ ok: true });
      expect(server.requests).toHaveLength(2);
    });
  });

  test("a timeout on POST: AtlasNetworkError TIMEOUT, not retried", async () => {
    const server = await scripted(() => undefined /* never answers */, ok);
    await withClient(server, { timeoutMs: 300 }, async (client) => {
      const err = await rejectionOf(client.send({ method: "POST", path: "/slow", version: null, body: {} }), AtlasNetworkError);
      expect(err).toMatchObject({ code: "TIMEOUT", mayHaveBeenApplied: true });
      expect(server.requests).toHaveLength(1);
    });
  });

  test("a refused connection was never sent: POST is retried, and the final error says so", async () => {
    // Grab a free port, then close the server so nothing listens there.
    const gone = await startTestServer(ok);
    await gone.close();
    const client = new AtlasClient({ baseUrl: gone.url, credentials, retry: { ...fast, maxAttempts: 2 } });
    try {
      const err = await rejectionOf(client.send({ method: "POST", path: "/x", version: null, body: {} }), AtlasNetworkError);
      expect(err).toMatchObject({ code: "ECONNREFUSED", mayHaveBeenApplied: false });
      expect(err.message).toContain("after 2 attempts");
      expect(err.message).toContain("the request was not sent");
    } finally {
      await client.close();
    }
  });
});

describe("retry scheduling", () => {
  const policy: RetryPolicy = { maxAttempts: 5, maxElapsedMs: 60_000, baseDelayMs: 100, maxDelayMs: 1000 };

  test("exponential backoff with jitter, capped, never below Retry-After", () => {
    expect(retryDelay(policy, 1, undefined, () => 0)).toBe(50);
    expect(retryDelay(policy, 1, undefined, () => 1)).toBe(100);
    expect(retryDelay(policy, 3, undefined, () => 1)).toBe(400);
    expect(retryDelay(policy, 10, undefined, () => 1)).toBe(1000); // capped
    expect(retryDelay(policy, 1, 5000, () => 1)).toBe(5000); // Retry-After beyond the cap is honoured
  });

  test("Retry-After: seconds or an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter(["3"], now)).toBe(3000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  test("stops at maxAttempts and at maxElapsedMs", async () => {
    let t = 0;
    const sleeps: number[] = [];
    const hooks = { now: () => t, sleep: async (ms: number) => void sleeps.push((t += ms)), random: () => 1 };
    let calls = 0;
    const failing = async () => {
      calls++;
      return { ok: false as const, error: new Error("boom"), retryable: true };
    };
    await expect(retrying(policy, failing, hooks)).rejects.toThrow("boom");
    expect(calls).toBe(5);

    calls = 0;
    t = 0;
    await expect(retrying({ ...policy, maxElapsedMs: 250 }, failing, hooks)).rejects.toThrow("boom");
    expect(calls).toBe(2); // 100 ms, then 200 ms would end at 300 ms > 250 ms
  });
});
