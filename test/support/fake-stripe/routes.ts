/**
 * Every REST route the fake answers. Generic reads (retrieve, list) exist for each kind the
 * fixtures create; the writes live with their resource.
 */
import { listOf, route, str, type Route } from './api.js';

const READABLE: Record<string, string> = {
  events: 'event',
};

function reads(): Route[] {
  return Object.entries(READABLE).flatMap(([collection, kind]) => [
    route('GET', `/v1/${collection}/:id`, ({ store, ids }) => store.get(kind, ids.id)),
    route('GET', `/v1/${collection}`, ({ store, params }) => {
      const type = str(params, 'type');
      const data = store.list(kind, (object) => !type || object.type === type);
      return listOf(`/v1/${collection}`, data, Number(str(params, 'limit') ?? 10));
    }),
  ]);
}

export const ROUTES: readonly Route[] = [...reads()];
