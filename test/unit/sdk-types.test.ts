/** scripts/lib/sdk-types.js: the fields of an interface in the SDK's type definitions, both layouts, on small fixtures. */
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain JavaScript script module, without declarations
import { interfaceFields, pinnedApiVersion } from '../../scripts/lib/sdk-types.js';

const OLD = `declare module 'stripe' {
  namespace Stripe {
    /**
     * An invoice.
     */
    interface Invoice {
      /**
       * Unique identifier.
       */
      id?: string;

      object: 'invoice';

      paid: boolean;

      payment_intent: string | Stripe.PaymentIntent | null;

      billing_reason:
        | Invoice.BillingReason
        | null;

      deleted?: void;
    }

    namespace Invoice {
      interface Nested {
        inner: string;
      }
    }
  }
}
`;

const NEW = `export interface Invoice {
    id: string;
    object: 'invoice';
    parent: Invoice.Parent | null;
    payments?: ApiList<InvoicePayment>;
}
export declare namespace Invoice {
    interface Parent {
        subscription_details: string;
    }
}
`;

describe('interfaceFields', () => {
  it("reads stripe 8 to 19's layout: optional, nullable, multi-line types; nothing nested; no void", () => {
    expect(interfaceFields(OLD, 'Invoice')).toEqual([
      { name: 'id', optional: true, nullable: false, type: 'string' },
      { name: 'object', optional: false, nullable: false, type: "'invoice'" },
      { name: 'paid', optional: false, nullable: false, type: 'boolean' },
      { name: 'payment_intent', optional: false, nullable: true, type: 'string | Stripe.PaymentIntent | null' },
      { name: 'billing_reason', optional: false, nullable: true, type: 'Invoice.BillingReason | null' },
    ]);
  });

  it("reads tsc's output (export interface, 4-space fields)", () => {
    expect(interfaceFields(NEW, 'Invoice').map((f: { name: string; optional: boolean; nullable: boolean }) => [f.name, f.optional, f.nullable])).toEqual([
      ['id', false, false],
      ['object', false, false],
      ['parent', false, true],
      ['payments', true, false],
    ]);
  });

  it('fails on a missing interface, and reads the pinned version of either layout', () => {
    expect(() => interfaceFields(NEW, 'Charge')).toThrow('interface Charge not found');
    expect(pinnedApiVersion("    export type LatestApiVersion = '2022-08-01';")).toBe('2022-08-01');
    expect(pinnedApiVersion("export const ApiVersion = '2025-09-30.clover';")).toBe('2025-09-30.clover');
  });
});
