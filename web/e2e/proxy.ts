// A TCP proxy in front of the service whose connections the test can cut, as a flaky network
// or a restarted reverse proxy would: the page's event stream drops and the browser reconnects.

import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface CuttableProxy {
  url: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Drops every open connection; returns how many there were. */
  cut(): number;
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted += 1;
    const upstream = connect(Number(port), hostname);
    for (const [socket, other] of [[client, upstream], [upstream, client]] as const) {
      open.add(socket);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        open.delete(socket);
        other.destroy();
      });
      socket.pipe(other);
    }
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port: proxyPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    get accepted() {
      return accepted;
    },
    cut() {
      const count = open.size;
      for (const socket of open) socket.destroy();
      return count;
    },
    close() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      for (const socket of open) socket.destroy();
      return closed;
    },
  };
}
