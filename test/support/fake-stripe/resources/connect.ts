/**
 * Connect: connected accounts and transfers to them.
 */
import { applyChanges, int, mergeMetadata, requiredInt, requiredStr, route, str, updater, deleter, type Call, type Route } from '../api.js';
import { invalidRequest, newId, unixNow, type StripeObject } from '../store.js';

function createAccount(call: Call): StripeObject {
  const type = str(call.params, 'type') ?? 'custom';
  // No event: creating a connected account is not announced to the platform's endpoints.
  return call.store.add({
    id: newId('acct', 16),
    object: 'account',
    business_profile: { mcc: null, name: null, url: null },
    business_type: str(call.params, 'business_type') ?? null,
    capabilities: {},
    charges_enabled: false,
    controller: { is_controller: true, type: 'application' },
    country: str(call.params, 'country') ?? 'US',
    created: unixNow(),
    default_currency: 'usd',
    details_submitted: false,
    email: str(call.params, 'email') ?? null,
    metadata: mergeMetadata({}, call.params.metadata),
    payouts_enabled: false,
    requirements: { currently_due: [], disabled_reason: null, eventually_due: [], past_due: [] },
    settings: {},
    type,
  });
}

function createTransfer(call: Call): StripeObject {
  const amount = requiredInt(call.params, 'amount');
  const currency = requiredStr(call.params, 'currency').toLowerCase();
  const destination = call.store.get('account', requiredStr(call.params, 'destination'), 'destination');
  const id = newId('tr');
  const transfer = call.store.add({
    id,
    object: 'transfer',
    amount,
    amount_reversed: 0,
    balance_transaction: newId('txn'),
    created: unixNow(),
    currency,
    description: str(call.params, 'description') ?? null,
    destination: destination.id,
    destination_payment: newId('py'),
    livemode: false,
    metadata: mergeMetadata({}, call.params.metadata),
    reversals: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/transfers/${id}/reversals` },
    reversed: false,
    source_transaction: str(call.params, 'source_transaction') ?? null,
    source_type: 'card',
    transfer_group: str(call.params, 'transfer_group') ?? null,
  });
  call.emit('transfer.created', transfer);
  return transfer;
}

function updateAccount(call: Call): StripeObject {
  const account = call.store.get('account', call.ids.id);
  const changes: Record<string, unknown> = { metadata: mergeMetadata(account.metadata, call.params.metadata) };
  for (const field of ['email', 'business_type'] as const) if (str(call.params, field) !== undefined) changes[field] = str(call.params, field);
  const previous = applyChanges(account, changes);
  // Changes to a connected account reach the platform as Connect events about that account.
  if (Object.keys(previous).length > 0) call.emit('account.updated', account, previous, account.id);
  return account;
}

function reverse(call: Call): StripeObject {
  const transfer = call.store.get('transfer', call.ids.transfer);
  const left = Number(transfer.amount) - Number(transfer.amount_reversed);
  const amount = int(call.params, 'amount') ?? left;
  if (amount <= 0 || amount > left) throw invalidRequest(`You cannot reverse more than the remaining ${left} of transfer ${transfer.id}.`, { param: 'amount' });
  const reversal = call.store.add({
    id: newId('trr'),
    object: 'transfer_reversal',
    amount,
    balance_transaction: newId('txn'),
    created: unixNow(),
    currency: transfer.currency,
    destination_payment_refund: newId('pyr'),
    metadata: mergeMetadata({}, call.params.metadata),
    source_refund: null,
    transfer: transfer.id,
  });
  const reversals = transfer.reversals as { data: StripeObject[]; total_count: number };
  const previous = applyChanges(transfer, {
    amount_reversed: Number(transfer.amount_reversed) + amount,
    reversed: amount === left,
    reversals: { ...reversals, data: [reversal, ...reversals.data], total_count: reversals.total_count + 1 },
  });
  call.emit('transfer.reversed', transfer, previous);
  return reversal;
}

export const connectRoutes: Route[] = [
  route('POST', '/v1/accounts', createAccount),
  route('POST', '/v1/accounts/:id', updateAccount),
  route('DELETE', '/v1/accounts/:id', deleter('account', undefined, (call, account) => {
    const application = { id: newId('ca', 32), object: 'application', name: 'stripe-hooks test platform' };
    call.emit('account.application.deauthorized', application, undefined, account.id);
  })),
  route('POST', '/v1/transfers', createTransfer),
  route('POST', '/v1/transfers/:id', updater('transfer', ['description'], 'transfer.updated')),
  route('POST', '/v1/transfers/:transfer/reversals', reverse),
];
