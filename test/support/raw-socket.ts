import WebSocket from 'ws';

/**
 * A graphql-ws socket driven by hand, acknowledged, keeping every message and ping the server
 * sends; `autoPong: false` makes it ignore the server's pings; `headers` go with its handshake,
 * and `init` is the text of its connection_init.
 */
export async function acknowledgedSocket(url: string, { autoPong = true, headers = {} as Record<string, string>, init = '{"type":"connection_init"}' } = {}) {
  const socket = new WebSocket(url, 'graphql-transport-ws', { autoPong, headers });
  const messages: { type: string; id?: string }[] = [];
  const pings: Buffer[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  socket.on('ping', (data: Buffer) => pings.push(data));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => socket.send(init));
    socket.once('message', (data) => (JSON.parse(String(data)).type === 'connection_ack' ? resolve() : reject(new Error(String(data)))));
    socket.once('error', reject);
  });
  return { socket, messages, pings, closed };
}
