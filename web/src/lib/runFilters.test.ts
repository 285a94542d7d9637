import { describe, expect, it } from 'vitest';

import type { Run } from './api';
import { filtersFromQuery, listParams, matchesFilters, NO_FILTERS, queryOfFilters, runsOfTemplate } from './runFilters';

describe('the runs filters in the URL', () => {
  it('reads the filters a query names and ignores what is not one', () => {
    expect(filtersFromQuery(new URLSearchParams('status=failed&user=ada&environment=3&template=nightly'))).toEqual({
      status: 'failed',
      user: 'ada',
      environment: 3,
      template: 'nightly',
    });
    expect(filtersFromQuery(new URLSearchParams('status=bogus&environment=x'))).toEqual(NO_FILTERS);
    expect(filtersFromQuery(new URLSearchParams('environment='))).toEqual(NO_FILTERS);
  });

  it('writes only the filters that are set, and reads them back the same', () => {
    expect(queryOfFilters(NO_FILTERS)).toBe('');
    expect(queryOfFilters({ ...NO_FILTERS, user: '   ' })).toBe('');
    const filters = { status: 'timed_out', user: 'ada lovelace ', environment: 12, template: 'a.b-c_d' } as const;
    const query = queryOfFilters(filters);
    expect(query).toBe('?status=timed_out&user=ada+lovelace+&environment=12&template=a.b-c_d');
    expect(filtersFromQuery(new URLSearchParams(query.slice(1)))).toEqual(filters);
  });

  it('links to the runs of a template', () => {
    expect(runsOfTemplate('nightly')).toBe('/?template=nightly');
  });

  it('asks the API with trimmed values', () => {
    expect(listParams({ status: '', user: ' ada ', environment: null, template: ' nightly ' })).toEqual({
      status: undefined,
      user: 'ada',
      environment: undefined,
      template: 'nightly',
    });
  });

  it('keeps live runs that match', () => {
    const run = { status: 'running', user: 'ada', environment: 3, template: 'nightly' } as Run;
    expect(matchesFilters(run, NO_FILTERS)).toBe(true);
    expect(matchesFilters(run, { ...NO_FILTERS, template: 'nightly ' })).toBe(true);
    expect(matchesFilters(run, { ...NO_FILTERS, template: 'other' })).toBe(false);
    expect(matchesFilters({ ...run, template: undefined }, { ...NO_FILTERS, template: 'nightly' })).toBe(false);
    expect(matchesFilters(run, { ...NO_FILTERS, status: 'passed' })).toBe(false);
    expect(matchesFilters(run, { ...NO_FILTERS, environment: 4 })).toBe(false);
  });
});
