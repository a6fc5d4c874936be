/**
 * Atlas list pagination: `itemsPerPage` (1-500, default 100), `pageNum`
 * (from 1, default 1), `includeCount` (default true) → `{results, totalCount, links}`.
 */
import { EmulatorError } from "../types";

export interface Page<T> {
  results: T[];
  totalCount?: number;
  links: { rel: string; href: string }[];
}

export function paginate<T>(items: readonly T[], query: URLSearchParams, selfPath: string): Page<T> {
  const itemsPerPage = intParam(query, "itemsPerPage", 100, 1, 500);
  const pageNum = intParam(query, "pageNum", 1, 1, Number.MAX_SAFE_INTEGER);
  const includeCount = query.get("includeCount") !== "false";
  const start = (pageNum - 1) * itemsPerPage;
  const page: Page<T> = {
    results: items.slice(start, start + itemsPerPage),
    links: [{ rel: "self", href: `${selfPath}?pageNum=${pageNum}&itemsPerPage=${itemsPerPage}` }],
  };
  if (start + itemsPerPage < items.length) {
    page.links.push({ rel: "next", href: `${selfPath}?pageNum=${pageNum + 1}&itemsPerPage=${itemsPerPage}` });
  }
  if (includeCount) page.totalCount = items.length;
  return page;
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EmulatorError(400, "INVALID_QUERY_PARAMETER", `Invalid query parameter ${name} specified.`, [name]);
  }
  return value;
}
