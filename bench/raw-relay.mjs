#!/usr/bin/env node
/**
 * The floor for the signaling benchmarks: the least a WebSocket relay must do
 * with `ws` (parse the JSON, find the addressee, stamp `from`, serialize, send),
 * with no rooms, validation, limits, metrics or logging.
 * Usage: node bench/raw-relay.mjs <port>
 */
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 8788);
const sockets = new Map();
const wss = new WebSocketServer({ host: '127.0.0.1', port });
wss.on('connection', (ws) => {
  let id;
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.type === 'JOIN') {
      id = message.clientId;
      sockets.set(id, ws);
      ws.send(JSON.stringify({ type: 'WELCOME', clientId: id, room: message.room, peers: [] }));
      return;
    }
    const target = sockets.get(message.to);
    if (!target) return;
    const { to: _to, ...rest } = message;
    target.send(JSON.stringify({ ...rest, from: id }));
  });
  ws.on('close', () => sockets.get(id) === ws && sockets.delete(id));
});
wss.on('listening', () => console.log(`raw relay listening on ${port}`));
