import {
  canonicalInstant,
  canonicalInstantText,
  formatDuration,
  parseDuration,
  parseInstant,
  sameDuration,
  sameInstant,
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
} from "../../provider/common/dates";

describe("parseInstant", () => {
  test.each([
    ["2025-05-04T10:00:00Z", "2025-05-04T10:00:00.000Z"],
    ["2025-05-04T10:00:00.000Z", "2025-05-04T10:00:00.000Z"],
    ["2025-05-04T11:00:00+01:00", "2025-05-04T10:00:00.000Z"],
    ["2025-05-04T05:30-0430", "2025-05-04T10:00:00.000Z"],
    ["2025-05-04T10:00:00.123456Z", "2025-05-04T10:00:00.123Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
  ])("%s is %s", (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
  });

  // A leap second (RFC 3339 5.7: second 60, in a minute ending a UTC day, so
  // minute 59 of some local hour) is the start of the next second: an instant
  // given as "delete after" is then never moved earlier.
  test.each([
    ["2016-12-31T23:59:60Z", "2017-01-01T00:00:00.000Z"],
    ["2016-12-31T23:59:60.999Z", "2017-01-01T00:00:00.000Z"],
    ["2017-01-01T00:59:60+01:00", "2017-01-01T00:00:00.000Z"],
    ["2015-06-30T18:59:60-05:00", "2015-07-01T00:00:00.000Z"],
  ])("leap second %s is %s", (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
    expect(canonicalInstantText(text)).toBe(iso.replace(".000Z", "Z"));
  });

  test.each(["2025-05-04", "2025-05-04T10:00:00", "2025-02-30T10:00:00Z", "2023-02-29T00:00:00Z", "2025-13-01T00:00:00Z",
    "2025-05-04T24:00:00Z", "tomorrow", "", "2025-05-04T10:00:00+25:00", "2016-12-31T23:58:60Z", "2016-12-31T23:59:61Z", "2025-05-04T10:59:60Z", "2017-01-01T00:59:60Z"])("rejects %j", (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});

describe("canonical instants", () => {
  test("drops zero milliseconds and converts to UTC", () => {
    expect(canonicalInstant(new Date("2025-05-04T10:00:00.000Z"))).toBe("2025-05-04T10:00:00Z");
    expect(canonicalInstant(new Date("2025-05-04T10:00:00.250Z"))).toBe("2025-05-04T10:00:00.250Z");
    expect(canonicalInstantText("2025-05-04T12:00:00+02:00")).toBe("2025-05-04T10:00:00Z");
    expect(canonicalInstantText("nope")).toBeUndefined();
  });

  test("sameInstant compares moments, not spellings", () => {
    expect(sameInstant("2025-05-04T10:00:00Z", "2025-05-04T11:00:00+01:00")).toBe(true);
    expect(sameInstant("2025-05-04T10:00:00Z", "2025-05-04T10:00:00.000Z")).toBe(true);
    expect(sameInstant("2025-05-04T10:00:00Z", "2025-05-04T10:00:01Z")).toBe(false);
    expect(sameInstant(undefined, undefined)).toBe(true);
    expect(sameInstant("2025-05-04T10:00:00Z", undefined)).toBe(false);
  });
});

describe("durations", () => {
  test.each([
    ["90m", 90 * MINUTE_MS],
    ["24h", 24 * HOUR_MS],
    ["7d", 7 * DAY_MS],
    ["1h30m", 90 * MINUTE_MS],
    ["3s", 3000],
    [" 2H ", 2 * HOUR_MS],
  ])("%j is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(["", "h", "1.5h", "-1h", "1w", "1 h", "P1D", "99999999999999999999d"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  test("sameDuration compares lengths", () => {
    expect(sameDuration("24h", "1d")).toBe(true);
    expect(sameDuration("24h", "25h")).toBe(false);
    expect(sameDuration(undefined, "1d")).toBe(false);
  });

  test("formatDuration", () => {
    expect(formatDuration(7 * DAY_MS)).toBe("7d");
    expect(formatDuration(90 * MINUTE_MS)).toBe("1h30m");
    expect(formatDuration(0)).toBe("0s");
  });
});
