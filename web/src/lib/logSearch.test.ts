import { describe, expect, it } from 'vitest';
import { parseAnsi } from './ansi';
import { LogBuffer } from './logBuffer';
import { highlight, LogSearch, plainText, segmentsHtml } from './logSearch';

describe('searching a log', () => {
  it('finds every match, case-insensitively and outside colour codes, as the log grows', () => {
    const log = new LogBuffer();
    log.append(0, 'PASSED one\n\x1b[32mpassed\x1b[0m two passed\nhalf-pass');
    const search = new LogSearch('passed');
    search.update(log);
    expect(search.matches).toEqual([
      { line: 0, start: 0, end: 6 },
      { line: 1, start: 0, end: 6 },
      { line: 1, start: 11, end: 17 },
    ]);
    // The unfinished last line completes: its match is found once.
    log.append(log.byteLength, 'ed\nlast passed\n');
    search.update(log);
    expect(search.count).toBe(5);
    expect(search.matches.slice(3)).toEqual([
      { line: 2, start: 5, end: 11 },
      { line: 3, start: 5, end: 11 },
    ]);
    expect(search.nearest(2)).toBe(3);
    expect(search.inLines(1, 3).map(({ index, match }) => [index, match.line])).toEqual([[1, 1], [2, 1], [3, 2]]);
    expect(search.at(4)).toEqual({ line: 3, start: 5, end: 11 });
    expect(search.nearest(9)).toBe(0);
    expect(new LogSearch('absent').nearest(0)).toBe(-1);
  });

  it('finds every match in 300,000 lines', () => {
    const log = new LogBuffer();
    let text = '';
    for (let n = 0; n < 300_000; n++) text += `log line ${String(n).padStart(6, '0')} of the big log\n`;
    log.append(0, text);
    const search = new LogSearch('line 1234');
    search.update(log);
    expect(search.count).toBe(100);
    expect(search.matches[0]).toEqual({ line: 123_400, start: 4, end: 13 });
    expect(search.matches.at(-1)?.line).toBe(123_499);
  });

  it('splits coloured spans where matches start and end', () => {
    const spans = parseAnsi('ab\x1b[31mcdef\x1b[0mgh');
    expect(plainText('ab\x1b[31mcdef\x1b[0mgh')).toBe('abcdefgh');
    const segments = highlight(spans, [{ start: 1, end: 3, current: true }, { start: 5, end: 7, current: false }]);
    expect(segments.map((s) => [s.text, s.classes, s.match])).toEqual([
      ['a', '', null],
      ['b', '', 'current'],
      ['c', 'fg-1', 'current'],
      ['de', 'fg-1', null],
      ['f', 'fg-1', 'other'],
      ['g', '', 'other'],
      ['h', '', null],
    ]);
  });

  it('writes a line as escaped markup', () => {
    const segments = highlight(parseAnsi('<b>&\x1b[31mred\x1b[0m'), [{ start: 3, end: 5, current: true }]);
    expect(segmentsHtml(segments)).toBe('<span>&lt;b&gt;</span><mark class="current">&amp;</mark><mark class="fg-1 current">r</mark><span class="fg-1">ed</span>');
  });
});
