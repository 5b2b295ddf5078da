import { NodeApiError } from 'n8n-workflow';

import { asNodeError, messageFromBody } from '../shared/errors';
import type { ApiClient } from '../shared/transport/http';
import { record } from '../shared/mapping';
import { pathSegment } from '../shared/transport/path';
import type { Page, PageRef, ProviderAdapter } from '../shared/provider';
import type { ListQuery, MessageLookup } from '../shared/types';
import { toMessage } from './toMessage';

const BASE = '/v1/organization/whatsapp/messages';

/** Runs whose page size the API refused: they go on with the API's default size. */
const usesDefaultSize = new WeakSet<ApiClient>();

/**
 * The list is undocumented (only its SMS sibling is): a 404 from it means this account has no such list, not a wrong
 * key or Base URL, and the documented single-message read still works.
 */
export function listUnavailable(api: ApiClient, error: NodeApiError): NodeApiError {
	const answer = typeof error.description === 'string' && error.description ? ` (${error.description})` : '';
	// The description says it all too: n8n shows only the description when an activation fails.
	return api.fail({
		status: 404,
		message: "Chirp's WhatsApp message list is not available for this account: Get Message (one message by its ID) still works",
		providerMessage: `Chirp's WhatsApp message list (GET ${BASE}) answered 404${answer}: it is not available for this account. Chirp documents only the single-message read, so Get Message still works; Get Conversation, Get Many, the triggers and their catch-up need the list.`,
	});
}

/** Chirp's error bodies: `{error: {type, code, message}}`, or `{error: "text"}` on 429. */
function messageOf(body: unknown): string | undefined {
	const error = record(body).error;
	if (typeof error === 'string') return error;
	const e = record(error);
	const text = [e.message, e.code ? `(${String(e.code)})` : undefined].filter(Boolean).join(' ');
	return text || messageFromBody(body);
}

/**
 * Chirp documents only the single-message read (`GET /v1/organization/whatsapp/messages/{id}`, admin key).
 * The list is taken to be `GET /v1/organization/whatsapp/messages` shaped like Chirp's documented SMS list:
 * `limit`, `cursor` (the last item's id), `direction`; `{messages, nextCursor, totalCount}`. Contact, business
 * number and date filters are applied by the node.
 */
export const chirpAdapter: ProviderAdapter = {
	id: 'chirp',
	displayName: 'Chirp',
	transport: { credentialType: 'chirpApi', messageOf },
	pageStyle: { kind: 'cursor', size: 100 },
	requestsPerMinute: 120,
	serverFilters: ['direction'],
	required: {
		getConversation: ['contactNumber'],
		getMessage: ['messageId'],
		getAll: [],
		listConversations: [],
	},
	async listPage(api: ApiClient, query: ListQuery, ref: PageRef): Promise<Page> {
		if (ref.kind !== 'cursor') throw new Error('Chirp pages by cursor');
		const qs: Record<string, string | number> = {};
		if (!usesDefaultSize.has(api)) qs.limit = ref.size;
		if (ref.cursor) qs.cursor = ref.cursor;
		if (query.direction) qs.direction = query.direction.toUpperCase();
		let reply: unknown;
		try {
			reply = await api.request({ path: BASE, qs });
		} catch (error) {
			if (error instanceof NodeApiError && error.httpCode === '404') throw listUnavailable(api, error);
			// The list's maximum page size is not documented: if our size is refused, use the API's default size.
			if (!(error instanceof NodeApiError && error.httpCode === '400' && /limit/i.test(String(error.description)))) throw asNodeError(api.node, error);
			delete qs.limit;
			usesDefaultSize.add(api);
			reply = await api.request({ path: BASE, qs });
		}
		const body = record(reply);
		if (!Array.isArray(body.messages)) throw api.badBody(reply, 'no "messages" list');
		const items = body.messages as unknown[];
		let next: string | null = typeof body.nextCursor === 'string' ? body.nextCursor : null;
		// Without nextCursor in the reply, a full page continues from its last item's id. After falling back to the
		// API's (unknown) default size, any non-empty page may be full: only an empty page ends the list.
		const full = usesDefaultSize.has(api) ? items.length > 0 : items.length >= ref.size;
		if (!('nextCursor' in body) && full) next = String(record(items[items.length - 1]).id ?? '') || null;
		return { items, next };
	},
	async fetchMessage(api: ApiClient, lookup: MessageLookup) {
		const body = await api.request({ path: `${BASE}/${pathSegment(api, lookup.messageId, 'messageId')}` });
		if (!record(body).id) throw api.badBody(body, 'no message object');
		return body;
	},
	toMessage,
};
