import { withNumberHint } from '../shared/descriptions/hints';
import type { ApiClient } from '../shared/transport/http';
import { record } from '../shared/mapping';
import { digitsOf } from '../shared/phone';
import type { Page, PageRef, ProviderAdapter } from '../shared/provider';
import type { ListQuery } from '../shared/types';
import { toMessage } from './toMessage';

const DAY_MS = 86_400_000;

/** DoubleTick's DD-MM-YYYY (day first), in UTC. */
export function ddmmyyyy(ms: number): string {
	const d = new Date(ms);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${pad(d.getUTCDate())}-${pad(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}`;
}

/**
 * DoubleTick: `GET /chat-messages?wabaNumber&customerNumber&startDate&endDate` (DD-MM-YYYY), one customer,
 * no paging. The node walks the requested range in date windows; each request is padded by a day on both
 * sides (the provider's day boundaries are not documented) and the node keeps exactly the messages whose
 * `messageTime` falls in the window, so every message is emitted once and the range is exact.
 */
export const doubleTickAdapter: ProviderAdapter = {
	id: 'doubletick',
	displayName: 'DoubleTick',
	transport: { credentialType: 'doubleTickApi' },
	pageStyle: { kind: 'windows', days: 7 },
	requestsPerMinute: 0,
	serverFilters: ['business', 'contact'],
	defaultRangeDays: 30,
	required: {
		getConversation: ['businessNumber', 'contactNumber'],
		getMessage: ['messageId', 'businessNumber', 'contactNumber'],
		getAll: ['businessNumber', 'filters.contactNumber'],
		listConversations: ['businessNumber', 'contactNumbers'],
	},
	async listPage(api: ApiClient, query: ListQuery, ref: PageRef): Promise<Page> {
		if (ref.kind !== 'windows') throw new Error('DoubleTick reads date windows');
		const wabaNumber = digitsOf(query.businessNumber ?? '');
		const customerNumber = digitsOf(query.contactNumber ?? '');
		const sent = { 'Business Number': wabaNumber, 'Contact Number': customerNumber };
		const body = await withNumberHint('DoubleTick', sent, () =>
			api.request({
				path: '/chat-messages',
				qs: { wabaNumber, customerNumber, startDate: ddmmyyyy(ref.startMs - DAY_MS), endDate: ddmmyyyy(ref.endMs + DAY_MS) },
			}),
		);
		const messages = record(body).messages;
		if (!Array.isArray(messages)) throw api.badBody(body, 'no "messages" list');
		return { items: messages };
	},
	toMessage,
};
