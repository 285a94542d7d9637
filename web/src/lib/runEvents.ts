// Following a run's server-sent events. The browser's EventSource reconnects by itself and
// sends the last event id back, so the server resumes after it; events with an id already seen
// are still dropped here, so a client never applies one twice.

import { streamUrl } from './session.svelte';
import type { components } from './schema';

export type RunStreamEvent = components['schemas']['RunStreamEvent'];

/** Passes each event id once, in increasing order. */
export class SeqGate {
  private last = 0;

  get lastSeq(): number {
    return this.last;
  }

  accept(seq: number): boolean {
    if (seq <= this.last) return false;
    this.last = seq;
    return true;
  }
}

export interface RunStreamHandlers {
  onEvent(event: RunStreamEvent): void;
  onConnectionChange?(connected: boolean): void;
}

/** Follows run `id` until the returned function is called. */
export function followRun(id: number, handlers: RunStreamHandlers, base = ''): () => void {
  const gate = new SeqGate();
  const source = new EventSource(base + streamUrl(`/api/runs/${id}/events`));
  source.onopen = () => handlers.onConnectionChange?.(true);
  source.onerror = () => handlers.onConnectionChange?.(false);
  source.onmessage = (message: MessageEvent<string>) => {
    const event = JSON.parse(message.data) as RunStreamEvent;
    if (gate.accept(event.seq)) handlers.onEvent(event);
  };
  return () => source.close();
}
