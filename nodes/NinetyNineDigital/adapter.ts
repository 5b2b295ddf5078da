import type { ProviderFailure } from '../shared/errors';
import type { ApiClient } from '../shared/transport/http';
import { withNumberHint } from '../shared/descriptions/hints';
import { record } from '../shared/mapping';
import { digitsOf } from '../shared/phone';
import type { Page, PageRef, ProviderAdapter } from '../shared/provider';
import type { ListQuery } from '../shared/types';
import { toMessage } from './toMessage';

/** 99digital answers failures with HTTP 200 and `{status: "FAIL", reason}`; reason 3 is a wrong API key. */
function failure(body: unknown): ProviderFailure | undefined {
	if (Array.isArray(body)) return undefined;
	const b = record(body);
	if (String(b.status ?? '').toUpperCase() !== 'FAIL') return undefined;
	const reason = Number(b.reason);
	const providerMessage = `99digital answered FAIL with reason ${String(b.reason)}`;
	if (reason === 3) return { status: 401, providerMessage: `${providerMessage} (wrong apiKey)` };
	if (reason === 2) {
		return { status: 404, message: 'The business number is not a 99digital WhatsApp account', providerMessage: `${providerMessage} ("from" account does not exist)` };
	}
	return { status: 400, message: '99digital rejected the request', providerMessage };
}

/**
 * 99digital: `POST /whatsapp/v2/getHistory {apiKey, from, to?, page}`, 50 per page, pages from 1, newest
 * first, a bare array. No single-message endpoint: Get Message scans the history.
 */
export const ninetyNineDigitalAdapter: ProviderAdapter = {
	id: '99digital',
	displayName: '99digital',
	transport: { credentialType: 'ninetyNineDigitalApi', failureInBody: failure },
	pageStyle: { kind: 'pages', first: 1, size: 50 },
	requestsPerMinute: 0,
	serverFilters: ['business', 'contact'],
	required: {
		getConversation: ['businessNumber', 'contactNumber'],
		getMessage: ['messageId', 'businessNumber'],
		getAll: ['businessNumber'],
		listConversations: ['businessNumber'],
	},
	async listPage(api: ApiClient, query: ListQuery, ref: PageRef): Promise<Page> {
		if (ref.kind !== 'pages') throw new Error('99digital pages by number');
		const body: Record<string, string | number> = { from: digitsOf(query.businessNumber ?? ''), page: ref.page };
		if (query.contactNumber) body.to = digitsOf(query.contactNumber);
		const sent = { 'Business Number': String(body.from), 'Contact Number': body.to === undefined ? undefined : String(body.to) };
		const reply = await withNumberHint('99digital', sent, () => api.request({ method: 'POST', path: '/whatsapp/v2/getHistory', body }));
		if (!Array.isArray(reply)) throw api.badBody(reply, 'not a list of messages');
		return { items: reply };
	},
	toMessage,
};
