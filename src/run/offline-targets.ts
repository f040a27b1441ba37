/**
 * Where an offline run sends each event, and the secret it signs it with. Stripe sends thin events (v2 event
 * destinations) to a destination of their own, usually with a secret of its own: so thin events go to `--thin-to`
 * signed with `--thin-secret` (the library's `thinUrl`, `thinSecret`) when given, and otherwise where snapshot
 * events go, with their secret. The order a live run routes thin events in (relay/routing.ts `targetFor`), but
 * `--route`, which is live only.
 */
export interface OfflineTarget {
  url: URL;
  secret: string;
}

export interface OfflineTargets {
  snapshot: OfflineTarget;
  thin: OfflineTarget;
}

/** The two destinations; the thin one falls back to the snapshot one, each part alone. */
export function offlineTargets(snapshot: OfflineTarget, thin: { url?: URL; secret?: string } = {}): OfflineTargets {
  return { snapshot, thin: { url: thin.url ?? snapshot.url, secret: thin.secret ?? snapshot.secret } };
}

/** Where an event of this kind goes (a thin one: `"object": "v2.core.event"`). */
export const targetOf = (targets: OfflineTargets, thin: boolean): OfflineTarget => (thin ? targets.thin : targets.snapshot);
