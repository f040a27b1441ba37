/** `trigger-flow --offline --dry-run`: the events the first instance would deliver, in delivery order; nothing sent. */
import type { Flow } from '../flows/types.js';
import type { OfflineEvent } from '../offline/synthesize.js';
import { storyAsSent } from './offline-driver.js';
import { deliveryOrder } from './offline-runner.js';

export interface OfflinePreviewSettings {
  url: URL;
  /** Where thin events go, when not to `url` (--thin-to). */
  thinUrl?: URL;
  seed: number;
  apiVersion: string;
  /** The known version the objects are shaped as. */
  shape?: string;
  shuffle: boolean;
  /** 2 with --duplicate. */
  copies: number;
  repeat: number;
}

/** Also the --json shape of the dry run. */
export interface OfflinePreview {
  flow: string;
  mode: 'offline';
  forwardTo: string;
  /** Where its thin events (`"object": "v2.core.event"`) go, with --thin-to. */
  thinTo?: string;
  apiVersion: string;
  seed: number;
  copies: number;
  repeat: number;
  events: OfflineEvent[];
}

export function offlinePreview(flow: Flow, settings: OfflinePreviewSettings, now = Math.floor(Date.now() / 1000)): OfflinePreview {
  const events = storyAsSent(flow.steps, { apiVersion: settings.apiVersion, shape: settings.shape, seed: settings.seed, now });
  const ordered = deliveryOrder(events.length, settings.seed, 0, settings.shuffle).map((i) => events[i]!);
  const { url, thinUrl, seed, apiVersion, copies, repeat } = settings;
  return { flow: flow.name, mode: 'offline', forwardTo: url.href, ...(thinUrl && { thinTo: thinUrl.href }), apiVersion, seed, copies, repeat, events: ordered };
}
