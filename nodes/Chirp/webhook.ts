import { NodeOperationError } from 'n8n-workflow';

import { asNodeError } from '../shared/errors';
import type { ApiClient } from '../shared/transport/http';
import { record, str } from '../shared/mapping';
import type { Delivery, EventChoice, WebhookAdapter, WebhookInput } from '../shared/instant/webhookTrigger';
import { chirpAdapter } from './adapter';

const RECEIVED = 'messages.whatsapp.received';
const SENT = 'messages.whatsapp.sent';
/** New Chirp events are opt-in: the list is always sent explicitly. */
const EVENTS: Record<EventChoice, string[]> = { inbound: [RECEIVED], outbound: [SENT], any: [RECEIVED, SENT] };
export const HEADER_NAME = 'X-N8n-Webhook-Secret';

/** Webhook management uses the app key (sk_live_app_…), which the credential sends for `/v1/webhooks` paths. */
async function requireAppKey(api: ApiClient): Promise<void> {
	const credentials = await api.ctx.getCredentials('chirpApi');
	if (!String(credentials.appApiKey ?? '').trim()) {
		throw new NodeOperationError(api.node, 'The Chirp credential has no App API Key', {
			description:
				'Chirp manages webhooks with an app key (sk_live_app_… or sk_test_app_…), not the admin key. Add it to the credential under "App API Key" to use the Chirp Instant Trigger.',
		});
	}
}

function listOf(body: unknown): Array<Record<string, unknown>> {
	if (Array.isArray(body)) return body.map(record);
	const b = record(body);
	for (const key of ['webhooks', 'data', 'items']) if (Array.isArray(b[key])) return (b[key] as unknown[]).map(record);
	return [];
}

/**
 * Chirp webhooks (per app, app key): `POST /v1/webhooks {url, events, headers}`, `GET /v1/webhooks`,
 * `DELETE /v1/webhooks/{id}` (list and delete paths inferred from the docs' section names). Chirp echoes the
 * custom headers it was given: the secret travels in `X-N8n-Webhook-Secret`. Delivery: 5 s timeout, 5 retries,
 * at-least-once. Messages imported from the WhatsApp Business app's history (`isHistoricalImport`) start nothing.
 */
export const chirpWebhook: WebhookAdapter = {
	history: chirpAdapter,
	events: ['inbound', 'outbound', 'any'],
	secret: { kind: 'header', name: HEADER_NAME },
	needsBusinessNumber: false,
	async list(api: ApiClient) {
		await requireAppKey(api);
		return listOf(await api.request({ path: '/v1/webhooks' })).map((w) => ({ id: String(w.id ?? ''), url: String(w.url ?? '') }));
	},
	async register(api: ApiClient, input: WebhookInput) {
		await requireAppKey(api);
		const reply = record(
			await api.request({
				method: 'POST',
				path: '/v1/webhooks',
				body: { url: input.url, events: EVENTS[input.event], headers: { [HEADER_NAME]: input.secret } },
				idempotent: false,
			}),
		);
		const id = str(reply.id) ?? str(record(reply.data).id) ?? str(record(reply.webhook).id);
		if (!id) throw api.badBody(reply, 'no webhook "id" in the reply');
		return { ids: [id] };
	},
	async unregister(api: ApiClient, stored) {
		await requireAppKey(api);
		for (const id of stored.ids) {
			try {
				await api.request({ method: 'DELETE', path: `/v1/webhooks/${encodeURIComponent(id)}` });
			} catch (error) {
				if (String((error as { httpCode?: string }).httpCode) !== '404') throw asNodeError(api.node, error);
			}
		}
	},
	parse(body: unknown): Delivery[] {
		const b = record(body);
		const event = str(b.event);
		if (event !== RECEIVED && event !== SENT) {
			return [{ kind: event && /delivered|read|failed|status/.test(event) ? 'status' : 'other', original: body }];
		}
		const data = record(b.data);
		// Current payloads wrap the message in `data.message`; older ones put its fields in `data` itself.
		const m = Object.keys(record(data.message)).length ? record(data.message) : data;
		if (!m.id) return [{ kind: 'other', original: body }];
		if (m.isHistoricalImport === true || m.source === 'history_import') return [{ kind: 'other', original: body }];
		const media = record(m.media);
		const outbound = event === SENT || String(m.direction ?? '').toLowerCase() === 'outbound';
		const createdAt = str(m.occurredAt) ?? str(m.receivedAt) ?? str(m.createdAt) ?? str(m.sentAt) ?? str(b.timestamp);
		// The webhook's message → the REST object the history mapping reads.
		const item = {
			id: m.id,
			direction: outbound ? 'OUTBOUND' : 'INBOUND',
			fromPhoneNumber: m.from ?? m.fromPhoneNumber,
			toPhoneNumber: m.to ?? m.toPhoneNumber,
			type: m.type,
			isVoiceNote: m.isVoiceNote ?? media.isVoiceNote,
			textBody: m.text ?? m.textBody ?? null,
			mediaUrl: m.mediaUrl ?? media.url ?? null,
			mediaMimeType: media.mimeType ?? m.mediaMimeType ?? null,
			mediaFilename: media.filename ?? media.fileName ?? m.mediaFilename ?? null,
			mediaCaption: media.caption ?? m.mediaCaption ?? null,
			mediaFileSize: media.fileSize ?? m.mediaFileSize ?? null,
			contactName: m.contactName ?? record(m.contact).name ?? null,
			conversationWindow: m.conversationWindow ?? null,
			createdAt,
			sentAt: outbound ? (str(m.sentAt) ?? createdAt) : null,
		};
		return [{ kind: 'message', record: item, original: body }];
	},
};
