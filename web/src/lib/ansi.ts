// pytest colours its output with ANSI SGR sequences (`--color=yes`). This turns a line into
// spans with CSS classes and drops every other escape sequence.

export interface Span {
  text: string;
  /** Space-separated classes: `fg-N`, `bg-N` (0-15), `bold`, `dim`, `italic`, `underline`. */
  classes: string;
}

interface Style {
  fg?: number;
  bg?: number;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

// CSI sequences (ESC [ params final) and other short escapes.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[([0-9;?]*)([@-~])|\x1b[@-_]/g;

function classesOf(style: Style): string {
  const classes: string[] = [];
  if (style.fg !== undefined) classes.push(`fg-${style.fg}`);
  if (style.bg !== undefined) classes.push(`bg-${style.bg}`);
  if (style.bold) classes.push('bold');
  if (style.dim) classes.push('dim');
  if (style.italic) classes.push('italic');
  if (style.underline) classes.push('underline');
  return classes.join(' ');
}

function applySgr(style: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(';').map((p) => Number.parseInt(p || '0', 10));
  let next = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 22) next.bold = next.dim = false;
    else if (code === 23) next.italic = false;
    else if (code === 24) next.underline = false;
    else if (code >= 30 && code <= 37) next.fg = code - 30;
    else if (code >= 90 && code <= 97) next.fg = code - 90 + 8;
    else if (code === 39) delete next.fg;
    else if (code >= 40 && code <= 47) next.bg = code - 40;
    else if (code >= 100 && code <= 107) next.bg = code - 100 + 8;
    else if (code === 49) delete next.bg;
    else if ((code === 38 || code === 48) && codes[i + 1] === 5) i += 2; // 256 colours: not shown
    else if ((code === 38 || code === 48) && codes[i + 1] === 2) i += 4; // true colour: not shown
  }
  return next;
}

/** Splits one line of coloured output into styled spans. */
export function parseAnsi(line: string): Span[] {
  const spans: Span[] = [];
  let style: Style = {};
  let last = 0;
  const push = (text: string) => {
    if (!text) return;
    const classes = classesOf(style);
    const previous = spans[spans.length - 1];
    if (previous && previous.classes === classes) previous.text += text;
    else spans.push({ text, classes });
  };
  for (const match of line.matchAll(ESCAPE)) {
    push(line.slice(last, match.index));
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '');
    last = match.index + match[0].length;
  }
  push(line.slice(last));
  return spans;
}

/** The line without escape sequences, for search and copying. */
export function stripAnsi(line: string): string {
  return line.replace(ESCAPE, '');
}
