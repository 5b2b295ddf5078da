import type { IDataObject } from 'n8n-workflow';

import { asNodeError } from '../shared/errors';
import type { ApiClient } from '../shared/transport/http';
import { record } from '../shared/mapping';
import type { Delivery, EventChoice, WebhookAdapter, WebhookInput } from '../shared/instant/webhookTrigger';
import { twoChatAdapter } from './adapter';

/** 2Chat's events per Event value: one subscription per event and number. */
const EVENT_NAMES: Record<EventChoice, string> = {
	inbound: 'whatsapp.message.received',
	outbound: 'whatsapp.message.sent',
	any: 'whatsapp.message.new',
};
const MESSAGE_EVENTS = new Set(Object.values(EVENT_NAMES));

/** `GET /open/webhooks` answers `{success, webhooks: [...]}`; a bare list or `data` are read too. */
function listOf(body: unknown): Array<Record<string, unknown>> {
	if (Array.isArray(body)) return body.map(record);
	const b = record(body);
	for (const key of ['webhooks', 'data']) if (Array.isArray(b[key])) return (b[key] as unknown[]).map(record);
	return [];
}

/**
 * 2Chat webhooks: `POST /open/webhooks/subscribe/{event}` `{hook_url, on_number}`, `GET /open/webhooks`,
 * `DELETE /open/webhooks/{uuid}`. 2Chat signs nothing and sends no headers of ours, so the secret travels in the
 * URL's query string (`?token=`). The payload of a message event is the message itself (same `uuid` as the history).
 */
export const twoChatWebhook: WebhookAdapter = {
	history: twoChatAdapter,
	events: ['inbound', 'outbound', 'any'],
	secret: { kind: 'query', name: 'token' },
	needsBusinessNumber: true,
	async list(api: ApiClient, input: WebhookInput) {
		const event = EVENT_NAMES[input.event];
		return listOf(await api.request({ path: '/open/webhooks' }))
			.filter((w) => w.event_name === undefined || w.event_name === event)
			.map((w) => ({ id: String(w.uuid ?? w.id ?? ''), url: String(w.hook_url ?? w.url ?? '') }));
	},
	async register(api: ApiClient, input: WebhookInput) {
		const body = record(
			await api.request({
				method: 'POST',
				path: `/open/webhooks/subscribe/${EVENT_NAMES[input.event]}`,
				body: { hook_url: input.url, on_number: input.businessNumber ?? '' },
				idempotent: false,
			}),
		);
		const data = record(body.data);
		const id = String(data.uuid ?? body.uuid ?? '');
		if (!id) throw api.badBody(body, 'no webhook "uuid" in the subscribe reply');
		return { ids: [id] };
	},
	async unregister(api: ApiClient, stored) {
		for (const id of stored.ids) {
			try {
				await api.request({ method: 'DELETE', path: `/open/webhooks/${encodeURIComponent(id)}` });
			} catch (error) {
				// Already gone is what we wanted.
				if (String((error as { httpCode?: string }).httpCode) !== '404') throw asNodeError(api.node, error);
			}
		}
	},
	parse(body: unknown): Delivery[] {
		const b = record(body);
		const event = typeof b.event === 'string' ? b.event : typeof b.event_name === 'string' ? b.event_name : undefined;
		if (event && !MESSAGE_EVENTS.has(event) && !/^whatsapp\.message\.(received|sent|new)$/.test(event)) {
			return [{ kind: /receipt|ack|status/.test(event) ? 'status' : 'other', original: body }];
		}
		const message = record(b.message);
		if (!(b.uuid || b.id) || !Object.keys(message).length) return [{ kind: 'other', original: body }];
		return [{ kind: 'message', record: b as IDataObject, original: body }];
	},
};
