// The runs table's filters, kept in the page's URL (`/?status=failed&template=nightly`) so a
// filtered list can be linked to, e.g. from a run's template.

import { ALL_STATUSES, type Run, type RunStatus } from './api';

export interface RunFilters {
  status: RunStatus | '';
  /** As typed; trimmed when used. */
  user: string;
  environment: number | null;
  /** As typed; trimmed when used. */
  template: string;
}

export const NO_FILTERS: RunFilters = { status: '', user: '', environment: null, template: '' };

/** The filters a URL's query names; what is not a valid filter is ignored. */
export function filtersFromQuery(query: URLSearchParams): RunFilters {
  const status = query.get('status') ?? '';
  const environment = Number(query.get('environment') || Number.NaN);
  return {
    status: (ALL_STATUSES as string[]).includes(status) ? (status as RunStatus) : '',
    user: query.get('user') ?? '',
    // Out of range stays, so that the service can say what is wrong with it.
    environment: Number.isInteger(environment) ? environment : null,
    template: query.get('template') ?? '',
  };
}

/** The query for `filters`, `?…` or empty; the inverse of `filtersFromQuery`. */
export function queryOfFilters(filters: RunFilters): string {
  const query = new URLSearchParams();
  if (filters.status) query.set('status', filters.status);
  if (filters.user.trim()) query.set('user', filters.user);
  if (filters.environment !== null) query.set('environment', String(filters.environment));
  if (filters.template.trim()) query.set('template', filters.template);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The link to the runs of a template. */
export function runsOfTemplate(template: string): string {
  return `/${queryOfFilters({ ...NO_FILTERS, template })}`;
}

/** The `GET /runs` query parameters for `filters`. */
export function listParams(filters: RunFilters) {
  return {
    status: filters.status || undefined,
    user: filters.user.trim() || undefined,
    environment: filters.environment ?? undefined,
    template: filters.template.trim() || undefined,
  };
}

/** Whether a run belongs in the table under `filters` (for runs that arrive live). */
export function matchesFilters(run: Run, filters: RunFilters): boolean {
  return (
    (!filters.status || run.status === filters.status) &&
    (!filters.user.trim() || run.user === filters.user.trim()) &&
    (filters.environment === null || run.environment === filters.environment) &&
    (!filters.template.trim() || run.template === filters.template.trim())
  );
}
