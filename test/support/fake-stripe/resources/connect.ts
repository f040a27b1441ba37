/**
 * Connect: connected accounts and transfers to them.
 */
import { mergeMetadata, requiredInt, requiredStr, route, str, type Call, type Route } from '../api.js';
import { newId, unixNow, type StripeObject } from '../store.js';

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

export const connectRoutes: Route[] = [route('POST', '/v1/accounts', createAccount), route('POST', '/v1/transfers', createTransfer)];
