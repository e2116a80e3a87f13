import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { SeededAccount, ServerProcess } from '../setup.ts';
import { sleep } from '../stats.ts';

export interface IdleSocketsResult {
  sockets: number;
  connected: number;
  rssBeforeMb: number;
  rssMb: number;
  perSocketKb: number;
}

/** Many authenticated, idle graphql-ws connections: what they cost the server in memory. */
export async function idleSockets(server: ServerProcess, accounts: SeededAccount[], n: number): Promise<IdleSocketsResult> {
  const tokens = accounts.flatMap((a) => [...a.l1, ...a.coverers].map((u) => u.token));
  await sleep(1000);
  const rssBeforeMb = await server.rssMb();
  const clients: Client[] = [];
  let connected = 0;
  for (let i = 0; i < n; i++) {
    const client = createClient({
      url: `${server.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      keepAlive: 0,
      connectionParams: { authorization: `Bearer ${tokens[i % tokens.length]}` },
      on: { connected: () => connected++, error: () => undefined },
    });
    clients.push(client);
    if (i % 250 === 249) await sleep(50);
  }
  for (let i = 0; i < 600 && connected < n; i++) await sleep(100);
  await sleep(3000);
  const rssMb = await server.rssMb();
  await Promise.all(clients.map((c) => Promise.resolve(c.dispose()).catch(() => undefined)));
  return {
    sockets: n,
    connected,
    rssBeforeMb: Math.round(rssBeforeMb),
    rssMb: Math.round(rssMb),
    perSocketKb: Math.round(((rssMb - rssBeforeMb) * 1024) / Math.max(1, connected)),
  };
}
