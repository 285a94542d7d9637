// A SurrealDB server in memory for tests of several nodes: TESTBAY_SURREALDB_SERVER names its
// binary (scripts/test.sh builds tools/surrealdb-server).

import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

export interface SurrealServer {
  /** `testbay serve` arguments for a node on this server. */
  nodeArgs(name: string): string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startSurrealServer(): Promise<SurrealServer> {
  const binary = process.env.TESTBAY_SURREALDB_SERVER;
  if (!binary) throw new Error('set TESTBAY_SURREALDB_SERVER to the SurrealDB server binary (scripts/test.sh does)');
  const port = await freePort();
  const child = spawn(binary, ['start', '--bind', `127.0.0.1:${port}`, '--user', 'root', '--pass', 'root', 'memory'], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) throw new Error('the SurrealDB server never became healthy');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    nodeArgs: (name) => [
      '--database', `ws://127.0.0.1:${port}`, '--database-user', 'root', '--database-password', 'root', '--node', name,
    ],
    async stop() {
      const exited = new Promise((done) => child.on('exit', done));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
