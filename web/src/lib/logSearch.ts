// Finding text in a whole log, not only in the lines the page shows: matches by line and
// column in the log's plain text (colours left out), kept up to date as a live log grows, and
// the spans of a line split where matches start and end, for highlighting.

import type { Span } from './ansi';
import type { LogBuffer } from './logBuffer';

// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[[0-9;?]*[@-~]|\x1b[@-_]/g;

/** A match: `line` counts from 0; `start` and `end` are offsets in the line's plain text. */
export interface Match {
  line: number;
  start: number;
  end: number;
}

/** A line's text as the reader sees it, without colour codes. */
export function plainText(line: string): string {
  return line.includes('\x1b') ? line.replace(ESCAPE, '') : line;
}

function matchesIn(line: string, index: number, needle: string, out: Match[]): void {
  const haystack = plainText(line).toLowerCase();
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
    out.push({ line: index, start: at, end: at + needle.length });
  }
}

/** The matches of one query (case-insensitive) in a log that may still grow. */
export class LogSearch {
  private readonly needle: string;
  /** Matches in complete lines: they stay. */
  private readonly settled: Match[] = [];
  private searchedLines = 0;
  /** Matches in the unfinished last line, found again at each update. */
  private tail: Match[] = [];

  constructor(query: string) {
    this.needle = query.toLowerCase();
  }

  get matches(): readonly Match[] {
    return this.tail.length === 0 ? this.settled : [...this.settled, ...this.tail];
  }

  get count(): number {
    return this.settled.length + this.tail.length;
  }

  /** The match at `index` in log order. */
  at(index: number): Match | undefined {
    return index < this.settled.length ? this.settled[index] : this.tail[index - this.settled.length];
  }

  /** Searches what the log gained since the last update. */
  update(log: LogBuffer): void {
    if (!this.needle) return;
    const complete = log.completeLineCount;
    for (let i = this.searchedLines; i < complete; i++) matchesIn(log.line(i), i, this.needle, this.settled);
    this.searchedLines = complete;
    this.tail = [];
    if (log.lineCount > complete) matchesIn(log.line(complete), complete, this.needle, this.tail);
  }

  /** The index of the first match on line `line` or after it; `count` when there is none. */
  private firstFrom(line: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.at(middle)!.line < line) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The matches on lines `from` to `to` (exclusive), with their indexes, found by bisection. */
  inLines(from: number, to: number): { index: number; match: Match }[] {
    const found: { index: number; match: Match }[] = [];
    for (let index = this.firstFrom(from); index < this.count; index++) {
      const match = this.at(index)!;
      if (match.line >= to) break;
      found.push({ index, match });
    }
    return found;
  }

  /** The first match at or after `line`, or the first of all; -1 with none. */
  nearest(line: number): number {
    if (this.count === 0) return -1;
    const index = this.firstFrom(line);
    return index < this.count ? index : 0;
  }
}

/** A piece of a line to render: its text, its colour classes, and whether it is a match. */
export interface Segment extends Span {
  match: 'current' | 'other' | null;
}

/** Splits a line's spans where the matches (in plain-text offsets, in order) start and end. */
export function highlight(spans: Span[], matches: { start: number; end: number; current: boolean }[]): Segment[] {
  if (matches.length === 0) return spans.map((span) => ({ ...span, match: null }));
  const segments: Segment[] = [];
  let offset = 0;
  for (const span of spans) {
    let at = 0;
    while (at < span.text.length) {
      const position = offset + at;
      const inside = matches.find((match) => match.start <= position && position < match.end);
      const next = inside
        ? inside.end
        : Math.min(...matches.map((match) => match.start).filter((start) => start > position), Infinity);
      const stop = Math.min(span.text.length, next - offset);
      segments.push({
        text: span.text.slice(at, stop),
        classes: span.classes,
        match: inside ? (inside.current ? 'current' : 'other') : null,
      });
      at = stop;
    }
    offset += span.text.length;
  }
  return segments;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A line's pieces as markup: spans with their colour classes, matches as `<mark>`. */
export function segmentsHtml(segments: Segment[]): string {
  return segments
    .map((segment) => {
      const tag = segment.match ? 'mark' : 'span';
      const classes = segment.match ? `${segment.classes} ${segment.match}`.trim() : segment.classes;
      return `<${tag}${classes ? ` class="${escapeHtml(classes)}"` : ''}>${escapeHtml(segment.text)}</${tag}>`;
    })
    .join('');
}
