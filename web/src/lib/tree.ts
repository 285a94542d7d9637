// The test tree as the new-run form shows it: folders and files with checkboxes, where
// selecting a folder selects every file in it, and a search that keeps matches and their folders.

export interface TreeEntry {
  path: string;
  kind: 'folder' | 'file';
}

export interface TreeNode {
  path: string;
  name: string;
  kind: 'folder' | 'file';
  children: TreeNode[];
}

export type CheckState = 'all' | 'some' | 'none';

/** Nests the API's flat, sorted list (each folder before its contents) into a tree. */
export function buildTree(entries: TreeEntry[]): TreeNode[] {
  const roots: TreeNode[] = [];
  const folders = new Map<string, TreeNode>();
  for (const entry of entries) {
    const slash = entry.path.lastIndexOf('/');
    const node: TreeNode = {
      path: entry.path,
      name: slash < 0 ? entry.path : entry.path.slice(slash + 1),
      kind: entry.kind,
      children: [],
    };
    const parent = slash < 0 ? undefined : folders.get(entry.path.slice(0, slash));
    (parent ? parent.children : roots).push(node);
    if (entry.kind === 'folder') folders.set(entry.path, node);
  }
  return roots;
}

/** Every file at or under `node`. */
export function filesUnder(node: TreeNode): string[] {
  if (node.kind === 'file') return [node.path];
  return node.children.flatMap(filesUnder);
}

/** Whether all, some or none of the files under `node` are selected. */
export function checkState(selected: ReadonlySet<string>, node: TreeNode): CheckState {
  const files = filesUnder(node);
  const count = files.filter((file) => selected.has(file)).length;
  if (count === 0) return 'none';
  return count === files.length ? 'all' : 'some';
}

/** Toggles `node`: a folder with all its files selected is cleared, otherwise filled. */
export function toggle(selected: ReadonlySet<string>, node: TreeNode): Set<string> {
  const next = new Set(selected);
  const files = filesUnder(node);
  const select = checkState(selected, node) !== 'all';
  for (const file of files) {
    if (select) next.add(file);
    else next.delete(file);
  }
  return next;
}

/**
 * The paths to send for a selection: a folder whose files are all selected is sent as the
 * folder (so a run of `math` runs what is in `math`, and the list stays short).
 */
export function selectedPaths(selected: ReadonlySet<string>, roots: TreeNode[]): string[] {
  const paths: string[] = [];
  const visit = (node: TreeNode) => {
    const state = checkState(selected, node);
    if (state === 'none') return;
    if (state === 'all') paths.push(node.path);
    else node.children.forEach(visit);
  };
  roots.forEach(visit);
  return paths;
}

/** The nodes whose path contains `query` (ignoring case), with the folders that lead to them. */
export function filterTree(roots: TreeNode[], query: string): TreeNode[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return roots;
  const keep = (node: TreeNode): TreeNode | undefined => {
    if (node.path.toLowerCase().includes(needle)) return node;
    const children = node.children.map(keep).filter((child): child is TreeNode => child !== undefined);
    return children.length > 0 ? { ...node, children } : undefined;
  };
  return roots.map(keep).filter((node): node is TreeNode => node !== undefined);
}
