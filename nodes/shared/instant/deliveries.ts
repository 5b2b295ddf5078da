import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { parsePhone } from '../phone';
import type { Direction, ListQuery, NormalizedMessage } from '../types';
import type { StoredRegistration, WebhookAdapter } from './types';

/** The trigger's filters: event, business number, contact. */
export function filterQuery(ctx: IWebhookFunctions, business: string | undefined): ListQuery {
	const node = ctx.getNode();
	const q: ListQuery = {};
	if (business) q.businessNumber = business;
	const event = String(ctx.getNodeParameter('event', 'inbound'));
	if (event === 'inbound' || event === 'outbound') q.direction = event as Direction;
	const filters = (ctx.getNodeParameter('filters', {}) ?? {}) as IDataObject;
	const contact = String(filters.contactNumber ?? '').trim();
	if (contact) q.contactNumber = parsePhone(node, contact, 'filters.contactNumber');
	return q;
}

/**
 * The messages a request delivers, normalized by the provider's history mapping (status updates and other
 * events are left out). A message without an id is kept: it cannot be told apart from a retry, so it is never
 * deduplicated.
 */
export function deliveredMessages(ctx: IWebhookFunctions, wa: WebhookAdapter, stored: StoredRegistration, includeRaw: boolean): NormalizedMessage[] {
	const delivered: NormalizedMessage[] = [];
	for (const d of wa.parse(ctx.getBodyData(), ctx.getHeaderData() as IDataObject)) {
		if (d.kind !== 'message') continue;
		const query: ListQuery = { businessNumber: stored.businessNumber };
		for (const [k, v] of Object.entries(d.query ?? {})) if (v !== undefined) (query as Record<string, unknown>)[k] = v;
		const m = wa.history.toMessage(d.record, query);
		if (includeRaw) m.raw = d.original ?? d.record;
		delivered.push(m);
	}
	return delivered;
}
