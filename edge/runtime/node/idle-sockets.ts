import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Closes sockets that have sent nothing (not even a ping) for `idleMs`: a client that opens
 * sockets and goes quiet must not hold them, and their memory, forever. The widget pings while
 * its page is visible, and reconnects and resumes when it is shown again after such a close.
 * Returns the stop function (the sweep's timer does not keep the process alive).
 */
export function closeIdleSockets(wss: WebSocketServer, idleMs: number): () => void {
  const lastHeard = new WeakMap<WebSocket, number>();
  wss.on('connection', (ws) => {
    lastHeard.set(ws, Date.now());
    ws.on('message', () => lastHeard.set(ws, Date.now()));
  });
  const timer = setInterval(
    () => {
      const cutoff = Date.now() - idleMs;
      for (const ws of wss.clients) if ((lastHeard.get(ws) ?? 0) < cutoff) ws.close(1001, 'idle');
    },
    Math.min(idleMs / 2, 30_000),
  );
  timer.unref();
  return () => clearInterval(timer);
}
