/**
 * The panel's socket, replaced for unit tests: what the panel sends is recorded, and the test
 * plays the server through `wire.on.frame`. Test files install it with
 * `vi.mock('../../../sdk/client/connection', () => import('./fake-wire'))`.
 */
type Handlers = { open(): void; frame(f: unknown): void; state(s: string): void };

export const wire = { sent: [] as unknown[], on: undefined as undefined | Handlers };

export class Link {
  constructor(_url: unknown, on: Handlers) {
    wire.on = on;
  }
  start() {
    wire.on!.state('open');
    wire.on!.open();
  }
  send(f: unknown) {
    wire.sent.push(f);
    return true;
  }
  stop() {}
  retryNow() {}
}
