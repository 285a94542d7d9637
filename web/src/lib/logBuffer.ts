// A run's log as lines, built from pieces that arrive with their byte offsets. Pieces already
// seen (after a reconnect) are dropped, overlapping ones are trimmed, and a gap is reported so
// that the caller can fetch what is missing: the log is never doubled and never has holes.

const encoder = new TextEncoder();

export type AppendResult = 'appended' | 'duplicate' | 'gap';

export class LogBuffer {
  /** Complete lines. */
  private readonly lines: string[] = [];
  /** The last line, while it has no newline yet. */
  private partial = '';
  /** Bytes of log received so far: the offset the next piece should start at. */
  private received = 0;

  get byteLength(): number {
    return this.received;
  }

  /** Lines that have their newline: they will not change any more. */
  get completeLineCount(): number {
    return this.lines.length;
  }

  /** Lines, counting an unfinished last line. */
  get lineCount(): number {
    return this.lines.length + (this.partial ? 1 : 0);
  }

  line(index: number): string {
    return index < this.lines.length ? (this.lines[index] ?? '') : this.partial;
  }

  /** Lines `from` (inclusive) to `to` (exclusive). */
  slice(from: number, to: number): string[] {
    const end = Math.min(to, this.lineCount);
    const out: string[] = [];
    for (let i = Math.max(0, from); i < end; i++) out.push(this.line(i));
    return out;
  }

  /** Adds the piece of log that starts at byte `offset`. */
  append(offset: number, text: string): AppendResult {
    if (offset > this.received) return 'gap';
    const bytes = encoder.encode(text);
    const end = offset + bytes.length;
    if (end <= this.received) return 'duplicate';
    const fresh = offset === this.received ? text : new TextDecoder().decode(bytes.slice(this.received - offset));
    this.received = end;
    const parts = (this.partial + fresh).split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) this.lines.push(part.endsWith('\r') ? part.slice(0, -1) : part);
    return 'appended';
  }
}
