// Starts the real Testbay binary on an ephemeral port with a fresh data dir, as a user would.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');

export interface Service {
  url: string;
  stop(): Promise<void>;
  api<T = unknown>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
}

export async function startService(options: { testsRoot?: string; args?: string[] } = {}): Promise<Service> {
  const binary = process.env.TESTBAY_BIN;
  if (!binary) throw new Error('set TESTBAY_BIN to the testbay binary (scripts/test.sh does)');
  const dataDir = mkdtempSync(join(tmpdir(), 'testbay-e2e-'));
  const child: ChildProcess = spawn(
    binary,
    [
      'serve',
      '--listen', '127.0.0.1:0',
      '--data-dir', dataDir,
      '--tests-root', options.testsRoot ?? join(repoRoot, 'sample_tests'),
      '--python', process.env.TESTBAY_TEST_PYTHON ?? join(repoRoot, '.venv/bin/python'),
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RUST_LOG: 'info' } },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stderr! });
    // The last lines of its log, for the error when it does not start.
    const tail: string[] = [];
    const failed = (why: string) => new Error(`${why}; its log ended:\n${tail.join('\n')}`);
    const timer = setTimeout(() => reject(failed('the service did not start')), 60_000);
    lines.on('line', (line) => {
      tail.push(line);
      if (tail.length > 80) tail.shift();
      const match = line.match(/url=(\S+)/);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!.replace(/\/$/, ''));
      }
    });
    let closed = false;
    lines.once('close', () => (closed = true));
    child.on('exit', (code) => {
      const exited = () => {
        clearTimeout(timer);
        reject(failed(`the service exited with ${code}`));
      };
      // Its last lines may still be on their way through the pipe.
      if (closed) exited();
      else lines.once('close', exited);
    });
  });
  return {
    url,
    async stop() {
      const exited = new Promise((done) => child.on('exit', done));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
    async api<T>(path: string, init?: RequestInit) {
      const response = await fetch(url + path, {
        ...init,
        headers: { 'Content-Type': 'application/json', ...(init?.headers ?? {}) },
      });
      // A 204 has no body.
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
  };
}
