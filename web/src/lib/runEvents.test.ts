import { describe, expect, it } from 'vitest';

import { SeqGate } from './runEvents';

describe('event resume', () => {
  it('passes each event once, even when a reconnect replays some', () => {
    const gate = new SeqGate();
    const delivered = [1, 2, 3, 2, 3, 4, 5, 5, 6].filter((seq) => gate.accept(seq));
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
    expect(gate.lastSeq).toBe(6);
  });
});
