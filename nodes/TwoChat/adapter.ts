import { messageFromBody } from '../shared/errors';
import { withNumberHint } from '../shared/descriptions/hints';
import type { ApiClient } from '../shared/transport/http';
import { record } from '../shared/mapping';
import { pathSegment } from '../shared/transport/path';
import type { Page, PageRef, ProviderAdapter } from '../shared/provider';
import type { ListQuery, MessageLookup } from '../shared/types';
import { toMessage } from './toMessage';

/** Path segments as 2Chat's docs write them: `+` and `@` stay readable, everything else is escaped. */
const READABLE = ['+', '@'];

/**
 * 2Chat: `GET /open/whatsapp/messages/{number}[/{remote}]?page_number=N`, 100 per page, newest first,
 * pages from 0; `GET /open/whatsapp/message/{session_key}/{uuid}` for one message.
 */
export const twoChatAdapter: ProviderAdapter = {
	id: '2chat',
	displayName: '2Chat',
	transport: {
		credentialType: 'twoChatApi',
		// 2Chat documents these as "retry": number rebooting (409), connecting (410), busy (486).
		retryStatuses: [409, 410, 486],
		failureInBody: (body) => {
			const b = record(body);
			if (b.success !== false) return undefined;
			const providerMessage = messageFromBody(b);
			// A "not found" told with HTTP 200 is still a not-found (Get Message names the id then).
			if (/not found/i.test(providerMessage ?? '')) return { status: 404, providerMessage };
			return { status: 200, message: '2Chat reported a failure', providerMessage };
		},
	},
	pageStyle: { kind: 'pages', first: 0, size: 100 },
	// The lowest documented plan limit (trial); the account's own limit is read from /open/info when a run needs it.
	requestsPerMinute: 30,
	async discoverRequestsPerMinute(api: ApiClient) {
		const info = record(await api.request({ path: '/open/info' }));
		const perMinute = Number(record(info.limits).requests_per_minute);
		return Number.isFinite(perMinute) && perMinute > 0 ? perMinute : undefined;
	},
	serverFilters: ['business', 'contact'],
	required: {
		getConversation: ['businessNumber', 'contactNumber'],
		getMessage: ['messageId', 'sessionKey'],
		getAll: ['businessNumber'],
		listConversations: ['businessNumber'],
	},
	async listPage(api: ApiClient, query: ListQuery, ref: PageRef): Promise<Page> {
		if (ref.kind !== 'pages') throw new Error('2Chat pages by number');
		const business = pathSegment(api, query.businessNumber ?? '', 'businessNumber', READABLE);
		const contact = query.contactNumber ? pathSegment(api, query.contactNumber, 'contactNumber', READABLE) : undefined;
		const path = `/open/whatsapp/messages/${business}${contact ? `/${contact}` : ''}`;
		const sent = { 'Business Number': business, 'Contact Number': contact };
		const body = await withNumberHint('2Chat', sent, () => api.request({ path, qs: { page_number: ref.page } }));
		const messages = record(body).messages;
		if (!Array.isArray(messages)) throw api.badBody(body, 'no "messages" list');
		return { items: messages };
	},
	async fetchMessage(api: ApiClient, lookup: MessageLookup) {
		const body = await api.request({
			path: `/open/whatsapp/message/${pathSegment(api, lookup.sessionKey ?? '', 'sessionKey', READABLE)}/${pathSegment(api, lookup.messageId, 'messageId', READABLE)}`,
		});
		const message = record(body).message;
		if (!message || typeof message !== 'object') throw api.badBody(body, 'no "message" object');
		return message;
	},
	toMessage,
};
