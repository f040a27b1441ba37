// The example's "database": processed event ids and fulfilled orders, in memory. A real app keeps both in
// its database (a unique index on the event id makes `claim` atomic across processes) and hands the work to
// a queue, so a crash after the 2xx does not lose the event.

export function createShop() {
  const seen = new Set();
  const pending = new Set();
  /** PaymentIntent ids whose order was fulfilled, in order: one entry per fulfilment. */
  const fulfilled = [];
  /** Invoice ids marked paid. */
  const paidInvoices = [];

  /** @param {import('stripe').Stripe.Event} event */
  function handle(event) {
    switch (event.type) {
      case 'payment_intent.succeeded':
        fulfilled.push(event.data.object.id);
        break;
      case 'invoice.paid':
        paidInvoices.push(event.data.object.id);
        break;
      default:
        // Every other type the endpoint is subscribed to is acknowledged and ignored.
        break;
    }
  }

  return {
    fulfilled,
    paidInvoices,
    /** True the first time an event id is seen, false for every repeat. */
    claim(eventId) {
      if (seen.has(eventId)) return false;
      seen.add(eventId);
      return true;
    },
    /** Runs the event's work after the answer has gone out. */
    handleLater(event) {
      const job = new Promise((resolve) => setImmediate(resolve))
        .then(() => handle(event))
        .catch((error) => console.error(`handling ${event.id} failed:`, error))
        .finally(() => pending.delete(job));
      pending.add(job);
    },
    /** Resolves once every event handed over so far has been handled (for tests and graceful shutdown). */
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
