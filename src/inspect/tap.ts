/**
 * The inspector beside a relayed run (`listen --inspect`, `trigger-flow --inspect`): the server started before the
 * run, each relayed delivery turned into an item (relay.ts `onExchange`), the session's secret learnt once
 * `stripe listen` is ready (deliveries that came before it wait for it, to be checked against it).
 */
import type { RelayExchange } from '../relay/relay.js';
import { createSender, type Sender } from './actions.js';
import { itemOf, type Known } from './item.js';
import { startInspector, type Inspector, type InspectMode } from './server.js';

export interface InspectTap {
  inspector: Inspector;
  /** The relay's `onExchange`. */
  onExchange(exchange: RelayExchange): void;
  /** The session's secret, once known. */
  learn(secret: string): void;
  close(): Promise<void>;
}

export async function startInspectTap(options: { mode: InspectMode; limit?: number; known: Known; forwardTo?: string }): Promise<InspectTap> {
  let sender: Sender | undefined;
  const inspector = await startInspector({ mode: options.mode, limit: options.limit, sender: () => sender });
  let seq = 0;
  let waiting: RelayExchange[] | undefined = [];
  const add = (exchange: RelayExchange) => inspector.add(itemOf(exchange, seq++, sender?.secret, sender?.known ?? options.known));
  return {
    inspector,
    onExchange: (exchange) => (waiting ? waiting.push(exchange) : add(exchange)),
    learn(secret) {
      if (sender?.secret === secret) return;
      sender?.engine.close();
      sender = createSender(secret, options.known, options.forwardTo);
      const held = waiting ?? [];
      waiting = undefined;
      held.forEach(add);
    },
    async close() {
      sender?.engine.close();
      await inspector.close();
    },
  };
}
