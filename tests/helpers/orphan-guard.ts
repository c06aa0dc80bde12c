/**
 * Preloaded (`--import`) into server processes that tests start: when the test process goes
 * away, however it dies (a crash, SIGKILL, a timed-out worker), its end of the IPC channel
 * closes and the server follows, so no orphan keeps a port, a database or memory.
 */
if (process.channel) {
  // The channel must not keep the server alive on its own, nor change when it exits.
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
