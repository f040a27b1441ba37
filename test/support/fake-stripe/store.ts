/**
 * The fake account's objects, Stripe-style ids, and Stripe's error shape.
 */
import { randomBytes } from 'node:crypto';

export type StripeObject = Record<string, unknown> & { id: string; object: string };

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `cus_…`, `pi_…`, `evt_…`: a prefix and 24 base62 characters, as in Stripe's own ids. */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${out}`;
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

export interface StripeErrorBody {
  type: 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  [key: string]: unknown;
}

/** Thrown by handlers; the server answers `{ error: body }` with `status`, as Stripe does. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }
}

export function invalidRequest(message: string, extra: Partial<StripeErrorBody> = {}, status = 400): StripeApiError {
  return new StripeApiError(status, { type: 'invalid_request_error', message, ...extra });
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, {
    code: 'parameter_missing',
    param,
    doc_url: 'https://stripe.com/docs/error-codes/parameter-missing',
  });
}

/** The "object" field's words for each kind, as used in "No such customer: 'cus_…'". */
const NOUNS: Record<string, string> = {
  payment_intent: 'PaymentIntent',
  payment_method: 'PaymentMethod',
  invoiceitem: 'invoice item',
};

function noSuch(kind: string, id: string, param = 'id'): StripeApiError {
  return invalidRequest(
    `No such ${NOUNS[kind] ?? kind}: '${id}'`,
    { code: 'resource_missing', param, doc_url: 'https://stripe.com/docs/error-codes/resource-missing' },
    404,
  );
}

export class Store {
  private readonly objects = new Map<string, StripeObject>();

  add<T extends StripeObject>(object: T): T {
    this.objects.set(object.id, object);
    return object;
  }

  /** The object with this id and kind, or Stripe's 404. */
  get(kind: string, id: unknown, param = 'id'): StripeObject {
    const object = typeof id === 'string' ? this.objects.get(id) : undefined;
    if (!object || object.object !== kind) throw noSuch(kind, String(id), param);
    return object;
  }

  remove(id: string): void {
    this.objects.delete(id);
  }

  /** Newest first, as Stripe lists. */
  list(kind: string, match: (object: StripeObject) => boolean = () => true): StripeObject[] {
    return [...this.objects.values()].filter((object) => object.object === kind && match(object)).reverse();
  }
}
