import type { ApiClient } from '../shared/transport/http';
import { record, str } from '../shared/mapping';
import { digitsOf, normalizeProviderNumber } from '../shared/phone';
import type { Delivery, WebhookAdapter, WebhookInput } from '../shared/instant/webhookTrigger';
import { doubleTickAdapter } from './adapter';

function listOf(body: unknown): Array<Record<string, unknown>> {
	if (Array.isArray(body)) return body.map(record);
	const b = record(body);
	for (const key of ['webhooks', 'data', 'items']) if (Array.isArray(b[key])) return (b[key] as unknown[]).map(record);
	return [];
}

const withoutQuery = (url: string): string => url.split('?')[0];

function registration(input: WebhookInput) {
	return {
		method: 'POST',
		bodyFormat: 'JSON',
		url: input.url,
		webhookEvents: ['MESSAGE_RECEIVED'],
		authorization: { type: 'BEARER', payload: input.secret },
		retryOnTimeout: true,
		name: input.label.slice(0, 100),
		wabaNumbers: [digitsOf(input.businessNumber ?? '')],
	};
}

async function list(api: ApiClient) {
	return listOf(await api.request({ path: '/v2/webhooks' })).map((w) => ({ id: String(w.webhookId ?? w.id ?? ''), url: String(w.url ?? ''), name: str(w.name) }));
}

/**
 * DoubleTick webhooks: `POST /v2/webhook/register`, `GET /v2/webhooks`, edit `POST /v2/webhook/{id}`; no delete
 * endpoint is documented. DoubleTick sends back the `authorization` we register: the secret travels as
 * `Authorization: Bearer <secret>`. Only MESSAGE_RECEIVED carries messages (inbound). Because a registration cannot
 * be deleted, a new activation takes over (edits) the one this node left behind instead of adding another, and
 * deactivation logs what to remove by hand in DoubleTick (Settings → Webhooks).
 */
export const doubleTickWebhook: WebhookAdapter = {
	history: doubleTickAdapter,
	events: ['inbound'],
	secret: { kind: 'bearer' },
	needsBusinessNumber: true,
	catchUpPerContact: true,
	deliveryIdMayDiffer: true,
	async list(api: ApiClient) {
		return await list(api);
	},
	async register(api: ApiClient, input: WebhookInput) {
		const body = registration(input);
		// Only this exact URL (a test run never touches the production registration).
		const left = (await list(api)).filter((w) => withoutQuery(w.url) === withoutQuery(input.url) && w.id);
		if (left.length) {
			await api.request({ method: 'POST', path: `/v2/webhook/${encodeURIComponent(left[0].id)}`, body });
			return { ids: [left[0].id] };
		}
		const reply = record(await api.request({ method: 'POST', path: '/v2/webhook/register', body, idempotent: false }));
		let id = str(reply.webhookId) ?? str(reply.id) ?? str(record(reply.data).webhookId);
		// The register reply is not documented: the id is read back from the list by our URL.
		if (!id) id = (await list(api)).find((w) => w.url === input.url)?.id ?? null;
		return { ids: id ? [id] : [] };
	},
	async unregister(_api: ApiClient, stored, input: WebhookInput) {
		return {
			manualAction: `DoubleTick has no API to delete webhooks: remove the webhook "${input.label}" (${stored.url.split('?')[0]}, id ${stored.ids.join(', ') || 'unknown'}) in DoubleTick under Settings → Webhooks, or it keeps calling n8n (the calls are refused with 403 and start nothing). Activating this trigger again reuses it.`,
		};
	},
	parse(body: unknown): Delivery[] {
		const outer = record(body);
		// Live bodies may be wrapped in `{payload: {...}}`; the docs show the fields at the top.
		const b = Object.keys(record(outer.payload)).length ? record(outer.payload) : outer;
		const event = str(outer.event) ?? str(outer.eventType) ?? str(outer.webhookEvent) ?? str(b.event);
		if (event && event !== 'MESSAGE_RECEIVED') return [{ kind: /STATUS/.test(event) ? 'status' : 'other', original: body }];
		const message = record(b.message);
		const id = str(b.dtMessageId) ?? str(b.messageId);
		if (!id || !Object.keys(message).length || !b.from) return [{ kind: b.status ? 'status' : 'other', original: body }];
		const receivedAt = Date.parse(String(b.receivedAt ?? b.timestamp ?? ''));
		const contact = record(b.contact);
		// The webhook's message → the chat-messages item shape (messageType lower case there, UPPER here).
		const item = {
			id,
			messageOriginType: 'CUSTOMER',
			messageTime: Number.isNaN(receivedAt) ? null : receivedAt,
			message: { ...message, messageType: String(message.type ?? message.messageType ?? '').toLowerCase() },
			senderUser: { name: str(contact.name) ?? str(b.senderName), phoneNumber: b.from },
			messageMetadata: {},
		};
		const query = {
			businessNumber: normalizeProviderNumber(b.to) ?? undefined,
			contactNumber: normalizeProviderNumber(b.from) ?? undefined,
		};
		return [{ kind: 'message', record: item, original: body, query }];
	},
};
