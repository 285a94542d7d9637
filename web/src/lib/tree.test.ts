import { describe, expect, it } from 'vitest';

import { buildTree, checkState, filterTree, selectedPaths, toggle, type TreeEntry } from './tree';

const entries: TreeEntry[] = [
  { path: 'math', kind: 'folder' },
  { path: 'math/deep', kind: 'folder' },
  { path: 'math/deep/test_c.py', kind: 'file' },
  { path: 'math/test_a.py', kind: 'file' },
  { path: 'math/test_b.py', kind: 'file' },
  { path: 'test_top.py', kind: 'file' },
];

describe('the test tree', () => {
  const roots = buildTree(entries);
  const math = roots[0]!;

  it('nests entries under their folders', () => {
    expect(roots.map((n) => n.path)).toEqual(['math', 'test_top.py']);
    expect(math.children.map((n) => n.name)).toEqual(['deep', 'test_a.py', 'test_b.py']);
    expect(math.children[0]!.children[0]!.path).toBe('math/deep/test_c.py');
  });

  it('selects every file of a folder, and clears them again', () => {
    const selected = toggle(new Set(), math);
    expect([...selected].sort()).toEqual(['math/deep/test_c.py', 'math/test_a.py', 'math/test_b.py']);
    expect(checkState(selected, math)).toBe('all');
    expect(toggle(selected, math).size).toBe(0);
  });

  it('shows a partly selected folder and fills it on toggle', () => {
    const one = toggle(new Set(), math.children[1]!);
    expect(checkState(one, math)).toBe('some');
    expect(checkState(one, math.children[0]!)).toBe('none');
    expect(checkState(toggle(one, math), math)).toBe('all');
  });

  it('sends whole folders as folders', () => {
    const all = toggle(new Set(), math);
    expect(selectedPaths(all, roots)).toEqual(['math']);
    const partly = toggle(toggle(new Set(), math.children[0]!), roots[1]!);
    expect(selectedPaths(partly, roots)).toEqual(['math/deep', 'test_top.py']);
  });

  it('keeps matches and the folders that lead to them', () => {
    const found = filterTree(roots, 'TEST_C');
    expect(found.map((n) => n.path)).toEqual(['math']);
    expect(found[0]!.children.map((n) => n.path)).toEqual(['math/deep']);
    expect(filterTree(roots, '  ')).toBe(roots);
    expect(filterTree(roots, 'nothing')).toEqual([]);
  });
});
