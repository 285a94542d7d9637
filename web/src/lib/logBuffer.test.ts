import { describe, expect, it } from 'vitest';

import { LogBuffer } from './logBuffer';

describe('the log buffer', () => {
  it('splits pieces into lines, keeping an unfinished last line', () => {
    const log = new LogBuffer();
    expect(log.append(0, 'one\ntw')).toBe('appended');
    expect(log.lineCount).toBe(2);
    expect(log.slice(0, 2)).toEqual(['one', 'tw']);
    log.append(6, 'o\nthree\n');
    expect(log.slice(0, 10)).toEqual(['one', 'two', 'three']);
    expect(log.byteLength).toBe(14);
  });

  it('drops what it has seen and trims overlaps, counting bytes not characters', () => {
    const log = new LogBuffer();
    log.append(0, 'héllo\n'); // 7 bytes
    expect(log.append(0, 'héllo\n')).toBe('duplicate');
    expect(log.append(3, 'llo\nworld\n')).toBe('appended');
    expect(log.slice(0, 5)).toEqual(['héllo', 'world']);
  });

  it('reports a gap instead of leaving a hole', () => {
    const log = new LogBuffer();
    log.append(0, 'a\n');
    expect(log.append(10, 'later\n')).toBe('gap');
    expect(log.lineCount).toBe(1);
  });

  it('holds hundreds of thousands of lines', () => {
    const log = new LogBuffer();
    let offset = 0;
    for (let chunk = 0; chunk < 300; chunk++) {
      let text = '';
      for (let i = 0; i < 1000; i++) text += `line ${chunk * 1000 + i}\n`;
      log.append(offset, text);
      offset += new TextEncoder().encode(text).length;
    }
    expect(log.lineCount).toBe(300_000);
    expect(log.line(123_456)).toBe('line 123456');
  });
});
