import type { ApiClient } from '../shared/transport/http';
import { record, str } from '../shared/mapping';
import { digitsOf, normalizeProviderNumber } from '../shared/phone';
import type { Delivery, SecretCarrier, WebhookAdapter, WebhookInput } from '../shared/instant/webhookTrigger';
import { doubleTickAdapter } from './adapter';

/** The second place DoubleTick is given the secret: a custom header of the registration (register body `headers`). */
export const CARRIER_HEADER = 'X-N8n-Webhook-Secret';

/**
 * How the secret may come back. DoubleTick documents the register body's `authorization: {type: BEARER, payload}`
 * but not how it is sent on delivery (with or without "Bearer "), so the secret is also registered as a custom
 * header (register body `headers`, documented as "Custom headers for the webhook").
 */
const SECRET_CARRIERS: SecretCarrier[] = [{ kind: 'authorization' }, { kind: 'header', name: CARRIER_HEADER }];

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
		headers: { [CARRIER_HEADER]: input.secret },
		retryOnTimeout: true,
		name: input.label.slice(0, 100),
		wabaNumbers: [digitsOf(input.businessNumber ?? '')],
	};
}

/** A string that is only a phone number (the sender's, most likely): not a name. */
const PHONE_ONLY = /^\+?[\d\s\-.()]{7,20}$/;

/**
 * The contact's name in a delivery. DoubleTick documents `contact` as a string ("The contact who sent the message");
 * an object (`{name}`, or first and last name) is read too. A bare phone number is not a name.
 */
export function contactNameOf(contact: unknown): string | null {
	if (typeof contact === 'string') {
		const text = contact.trim();
		return text && !PHONE_ONLY.test(text) ? text : null;
	}
	const c = record(contact);
	const parts = [str(c.firstName) ?? str(c.first_name), str(c.lastName) ?? str(c.last_name)].filter((x) => x);
	return str(c.name) ?? str(c.displayName) ?? (parts.length ? parts.join(' ') : null);
}

async function list(api: ApiClient) {
	return listOf(await api.request({ path: '/v2/webhooks' })).map((w) => ({ id: String(w.webhookId ?? w.id ?? ''), url: String(w.url ?? ''), name: str(w.name) }));
}

/**
 * DoubleTick webhooks: `POST /v2/webhook/register`, `GET /v2/webhooks`, edit `POST /v2/webhook/{id}`; no delete
 * endpoint is documented. The secret is registered twice, as the `authorization` DoubleTick sends back (as
 * `Authorization: Bearer <secret>` or bare) and as a custom header. Only MESSAGE_RECEIVED carries messages (inbound).
 * Because a registration cannot be deleted, a new activation takes over (edits) the one this node left behind instead
 * of adding another, and deactivation logs what to remove by hand in DoubleTick (Settings → Webhooks).
 */
export const doubleTickWebhook: WebhookAdapter = {
	history: doubleTickAdapter,
	events: ['inbound'],
	secret: SECRET_CARRIERS,
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
		const name = contactNameOf(b.contact) ?? str(b.senderName);
		// The webhook's message → the chat-messages item shape (messageType lower case there, UPPER here).
		const item = {
			id,
			messageOriginType: 'CUSTOMER',
			messageTime: Number.isNaN(receivedAt) ? null : receivedAt,
			message: { ...message, messageType: String(message.type ?? message.messageType ?? '').toLowerCase() },
			senderUser: { name, phoneNumber: b.from },
			// Not a chat-messages field: the delivery names the contact, the history does not (toMessage reads it).
			contactName: name,
			messageMetadata: {},
		};
		const query = {
			businessNumber: normalizeProviderNumber(b.to) ?? undefined,
			contactNumber: normalizeProviderNumber(b.from) ?? undefined,
		};
		return [{ kind: 'message', record: item, original: body, query }];
	},
};
