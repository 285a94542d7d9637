import { describe, expect, it } from 'vitest';

import { parseAnsi, stripAnsi } from './ansi';

describe('ANSI colours', () => {
  it('turns pytest colours into spans', () => {
    const line = 'math/test_a.py::test_x \x1b[32mPASSED\x1b[0m\x1b[32m   [ 50%]\x1b[0m';
    expect(parseAnsi(line)).toEqual([
      { text: 'math/test_a.py::test_x ', classes: '' },
      { text: 'PASSED   [ 50%]', classes: 'fg-2' },
    ]);
  });

  it('combines bold and bright colours and resets them', () => {
    expect(parseAnsi('\x1b[1m\x1b[91mE   boom\x1b[0m ok')).toEqual([
      { text: 'E   boom', classes: 'fg-9 bold' },
      { text: ' ok', classes: '' },
    ]);
    expect(parseAnsi('\x1b[1;31mx\x1b[22my')).toEqual([
      { text: 'x', classes: 'fg-1 bold' },
      { text: 'y', classes: 'fg-1' },
    ]);
  });

  it('drops escapes that are not colours', () => {
    expect(stripAnsi('\x1b[2K\x1b[1Gcollecting \x1b[1m...\x1b[0m')).toBe('collecting ...');
    expect(parseAnsi('\x1b[38;5;208morange\x1b[0m')).toEqual([{ text: 'orange', classes: '' }]);
  });
});
