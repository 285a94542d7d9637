import { describe, expect, it } from 'vitest';

import type { Run, Template } from './api';
import {
  findNode,
  formFromTemplate,
  formPaths,
  isProblem,
  parseVariables,
  runRequest,
  selectionOf,
  setupOfForm,
  setupOfRun,
  templateRequest,
} from './runForm';
import { buildTree, type TreeEntry } from './tree';

const entries: TreeEntry[] = [
  { path: 'math', kind: 'folder' },
  { path: 'math/deep', kind: 'folder' },
  { path: 'math/deep/test_c.py', kind: 'file' },
  { path: 'math/test_a.py', kind: 'file' },
  { path: 'math/test_b.py', kind: 'file' },
  { path: 'mathematics', kind: 'folder' },
  { path: 'mathematics/test_m.py', kind: 'file' },
  { path: 'test_top.py', kind: 'file' },
];
const roots = buildTree(entries);

const template: Template = {
  name: 'nightly',
  description: 'everything at night',
  environment: 7,
  paths: ['math/deep', 'test_top.py', 'math/test_a.py::test_one'],
  variables: { DB: 'sqlite', URL: 'http://x/?a=b' },
  timeout_s: 600,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
};

describe('filling the form from a template', () => {
  it('finds folders and files, not prefixes of other names', () => {
    expect(findNode(roots, 'math/deep/test_c.py')?.kind).toBe('file');
    expect(findNode(roots, 'mathematics/test_m.py')?.path).toBe('mathematics/test_m.py');
    expect(findNode(roots, 'math/test_a.py::test_one')).toBeUndefined();
    expect(findNode(roots, 'gone')).toBeUndefined();
  });

  it('checks the files of folders and files, and keeps node ids and missing paths aside', () => {
    const { selected, extraPaths } = selectionOf(['math/deep', 'test_top.py', 'a.py::t', 'gone', 'a.py::t'], roots);
    expect([...selected].sort()).toEqual(['math/deep/test_c.py', 'test_top.py']);
    expect(extraPaths).toEqual(['a.py::t', 'gone']);
  });

  it('fills every field a template has', () => {
    const values = formFromTemplate(template, roots);
    expect(values.environment).toBe(7);
    expect([...values.selected].sort()).toEqual(['math/deep/test_c.py', 'test_top.py']);
    expect(values.extraPaths).toEqual(['math/test_a.py::test_one']);
    expect(values.variables).toBe('DB=sqlite\nURL=http://x/?a=b');
    expect(values.timeout_s).toBe(600);
    expect(formFromTemplate({ ...template, timeout_s: undefined, variables: {} }, roots)).toMatchObject({
      variables: '',
      timeout_s: null,
    });
  });

  it('gives back the paths it was filled with', () => {
    const values = formFromTemplate(template, roots);
    expect(formPaths(values.selected, values.extraPaths, roots)).toEqual(template.paths);
    const setup = setupOfForm(values, roots);
    expect(setup).toEqual({
      environment: 7,
      paths: template.paths,
      variables: template.variables,
      timeout_s: 600,
    });
  });
});

describe('variables', () => {
  it('reads NAME=value lines, values may hold "="', () => {
    expect(parseVariables('A=1\n\n  B = two words \r\nC=x=y\nA=again\n')).toEqual({
      variables: { A: 'again', B: ' two words ', C: 'x=y' },
    });
    expect(parseVariables('')).toEqual({ variables: {} });
  });

  it('names the line it cannot read', () => {
    expect(parseVariables('A=1\nno equals sign')).toEqual({
      problem: { code: 'invalid_field', field: 'variables', message: 'line 2: expected NAME=value' },
    });
    const setup = setupOfForm(
      { environment: 1, selected: new Set(), extraPaths: [], variables: '=value', timeout_s: null },
      roots,
    );
    expect(isProblem(setup) && setup.field).toBe('variables');
  });
});

describe('requests', () => {
  const setup = { environment: 3, paths: ['math'], variables: {}, timeout_s: null };

  it('sends only what the form has, and the template unless none is chosen', () => {
    expect(runRequest('ada', setup, '')).toEqual({ user: 'ada', environment: 3, paths: ['math'] });
    expect(runRequest('ada', { ...setup, variables: { A: '1' }, timeout_s: 60 }, 'nightly')).toEqual({
      user: 'ada',
      environment: 3,
      paths: ['math'],
      variables: { A: '1' },
      limits: { timeout_s: 60 },
      template: 'nightly',
    });
  });

  it('asks to profile memory and to wait in line only when the form does', () => {
    expect(runRequest('ada', setup, '', { profileMemory: false, waitForEnvironment: false })).toEqual({
      user: 'ada',
      environment: 3,
      paths: ['math'],
    });
    expect(runRequest('ada', setup, '', { profileMemory: true, waitForEnvironment: true })).toEqual({
      user: 'ada',
      environment: 3,
      paths: ['math'],
      profile: 'memory',
      wait_for_environment: true,
    });
  });

  it('saves a template with a trimmed description, if any', () => {
    expect(templateRequest(setup, '  ')).toEqual({ environment: 3, paths: ['math'] });
    expect(templateRequest({ ...setup, variables: { A: '1' }, timeout_s: 60 }, ' nightly ')).toEqual({
      environment: 3,
      paths: ['math'],
      description: 'nightly',
      variables: { A: '1' },
      timeout_s: 60,
    });
  });

  it('saves what a run was created with', () => {
    const run = {
      environment: 4,
      paths: ['math/test_b.py::test_x'],
      variables: { A: '1' },
      limits: { memory_bytes: 1, cpu_millicores: 1000, pids: 64, timeout_s: 900 },
    } as unknown as Run;
    expect(setupOfRun(run)).toEqual({ environment: 4, paths: ['math/test_b.py::test_x'], variables: { A: '1' }, timeout_s: 900 });
  });
});
