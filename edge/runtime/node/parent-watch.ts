/**
 * Stop when the process that started the server is gone. `npm start` runs the server under a
 * shell; a signal to npm kills that shell, which does not pass it on, and the server went on
 * as an orphan holding the port and the embedded database. A server whose parent changes
 * stops as it would on SIGTERM (draining answers in flight).
 */
export function watchParent(onOrphaned: () => void, everyMs = 500): () => void {
  const parent = process.ppid;
  // Started by init or a container runtime (node as PID 1, or adopted already): nobody to outlive.
  if (parent <= 1) return () => {};
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, everyMs);
  // Never what keeps the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
