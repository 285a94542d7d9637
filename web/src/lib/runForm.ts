// A run's setup as the new-run form holds it: a template fills the form, and the form gives
// the request for a run or the template to save.

import type { CreateRunRequest, Problem, Run, Template, TemplateRequest } from './api';
import { filesUnder, selectedPaths, type TreeNode } from './tree';

/** What a run is created with, but the user: what a template saves. */
export interface RunSetup {
  environment: number;
  paths: string[];
  variables: Record<string, string>;
  /** The run's timeout; the service's default when null. */
  timeout_s: number | null;
}

/** The form's fields that a template fills in. */
export interface FormValues {
  environment: number;
  /** Files checked in the tree. */
  selected: Set<string>;
  /** Paths the tree cannot show: pytest node ids, or paths no longer in the tree. */
  extraPaths: string[];
  /** `NAME=value`, one a line. */
  variables: string;
  timeout_s: number | null;
}

/** The node at `path`, if the tree has one. */
export function findNode(roots: TreeNode[], path: string): TreeNode | undefined {
  for (const node of roots) {
    if (node.path === path) return node;
    if (node.kind === 'folder' && path.startsWith(`${node.path}/`)) return findNode(node.children, path);
  }
  return undefined;
}

/** Checks the tree's files for `paths`; what the tree has no node for is kept aside. */
export function selectionOf(paths: string[], roots: TreeNode[]): { selected: Set<string>; extraPaths: string[] } {
  const selected = new Set<string>();
  const extraPaths: string[] = [];
  for (const path of paths) {
    const node = findNode(roots, path);
    if (node) filesUnder(node).forEach((file) => selected.add(file));
    else if (!extraPaths.includes(path)) extraPaths.push(path);
  }
  return { selected, extraPaths };
}

/** The form's values for `template`. */
export function formFromTemplate(template: Template, roots: TreeNode[]): FormValues {
  return {
    environment: template.environment,
    ...selectionOf(template.paths, roots),
    variables: formatVariables(template.variables),
    timeout_s: template.timeout_s ?? null,
  };
}

/** The paths to send: the tree's selection (whole folders as folders), then the others. */
export function formPaths(selected: ReadonlySet<string>, extraPaths: string[], roots: TreeNode[]): string[] {
  return [...selectedPaths(selected, roots), ...extraPaths];
}

export function formatVariables(variables: Record<string, string>): string {
  return Object.entries(variables)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n');
}

/**
 * Reads `NAME=value` lines; blank lines are skipped and a later line wins. The service checks
 * the names and values themselves; this only rejects lines it cannot split.
 */
export function parseVariables(text: string): { variables: Record<string, string> } | { problem: Problem } {
  const variables: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    const equals = line.indexOf('=');
    const name = equals < 0 ? '' : line.slice(0, equals).trim();
    if (!name) {
      const message = `line ${index + 1}: expected NAME=value`;
      return { problem: { code: 'invalid_field', field: 'variables', message } };
    }
    variables[name] = line.slice(equals + 1);
  }
  return { variables };
}

/** The setup in the form, or why it cannot be read. */
export function setupOfForm(values: FormValues, roots: TreeNode[]): RunSetup | Problem {
  const parsed = parseVariables(values.variables);
  if ('problem' in parsed) return parsed.problem;
  return {
    environment: values.environment,
    paths: formPaths(values.selected, values.extraPaths, roots),
    variables: parsed.variables,
    timeout_s: values.timeout_s,
  };
}

/** The setup a run was created with: what "Save as template" saves. */
export function setupOfRun(run: Run): RunSetup {
  return {
    environment: run.environment,
    paths: run.paths,
    variables: run.variables,
    timeout_s: run.limits.timeout_s,
  };
}

/** The new-run form's choices that are not part of a template. */
export interface RunOptions {
  /** Profile memory with memray. */
  profileMemory?: boolean;
  /** If another run holds the environment, wait in line for it instead of being refused. */
  waitForEnvironment?: boolean;
}

/**
 * The request for a run. With a template, the service fills in what the request leaves out
 * and the run remembers the template; everything the form shows is sent, so the form wins.
 */
export function runRequest(user: string, setup: RunSetup, template: string, options: RunOptions = {}): CreateRunRequest {
  const request: CreateRunRequest = { user, environment: setup.environment, paths: setup.paths };
  if (options.profileMemory) request.profile = 'memory';
  if (options.waitForEnvironment) request.wait_for_environment = true;
  if (Object.keys(setup.variables).length > 0) request.variables = setup.variables;
  if (setup.timeout_s !== null) request.limits = { timeout_s: setup.timeout_s };
  if (template) request.template = template;
  return request;
}

export function templateRequest(setup: RunSetup, description: string): TemplateRequest {
  const request: TemplateRequest = { environment: setup.environment, paths: setup.paths };
  if (description.trim()) request.description = description.trim();
  if (Object.keys(setup.variables).length > 0) request.variables = setup.variables;
  if (setup.timeout_s !== null) request.timeout_s = setup.timeout_s;
  return request;
}

export function isProblem(value: RunSetup | Problem): value is Problem {
  return 'code' in value;
}
