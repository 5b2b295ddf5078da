import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { asNodeError } from '../shared/errors';
import { outcomeUnknown } from '../shared/transport/http';
import type { ApiClient } from '../shared/transport/http';
import { record, str } from '../shared/mapping';
import type { Delivery, EventChoice, WebhookAdapter, WebhookInput } from '../shared/instant/webhookTrigger';
import { twoChatAdapter } from './adapter';

/** A 2Chat number's channel: WhatsApp Web (`channel_type` WW) or the WhatsApp Business API (WABA). */
export type TwoChatChannel = 'whatsapp-web' | 'waba';

/**
 * 2Chat's webhook events per channel and Event value, one subscription per event and number. WhatsApp Web:
 * developers.2chat.co/docs/API/WhatsApp/webhooks/subscribe. WABA: `whatsapp.waba.message.sent` is documented
 * (…/WhatsApp/WABA/webhooks/subscribe); `whatsapp.waba.message.received` is offered by 2Chat's own n8n node
 * (2ChatCo/2chat-n8n, "WABA Message Received"). WABA has no event for both directions: Any subscribes both.
 */
export const EVENTS: Record<TwoChatChannel, Record<EventChoice, string[]>> = {
	'whatsapp-web': { inbound: ['whatsapp.message.received'], outbound: ['whatsapp.message.sent'], any: ['whatsapp.message.new'] },
	waba: {
		inbound: ['whatsapp.waba.message.received'],
		outbound: ['whatsapp.waba.message.sent'],
		any: ['whatsapp.waba.message.received', 'whatsapp.waba.message.sent'],
	},
};
const MESSAGE_EVENT = /^whatsapp\.(?:waba\.)?message\.(?:received|sent|new)$/;

/** `GET /open/webhooks` answers `{success, webhooks: [...]}`, the numbers lists `{success, numbers: [...]}`; a bare list or `data` are read too. */
function listOf(body: unknown, key: string): Array<Record<string, unknown>> {
	if (Array.isArray(body)) return body.map(record);
	const b = record(body);
	for (const k of [key, 'data']) if (Array.isArray(b[k])) return (b[k] as unknown[]).map(record);
	return [];
}

const digitsOnly = (value: unknown): string => String(value ?? '').replace(/\D/g, '');

/**
 * The channel of `business` on this 2Chat account. `GET /open/whatsapp/get-numbers` lists the account's numbers with
 * their `channel_type` (WW = WhatsApp Web, IG, SMS; developers.2chat.co/docs/API/WhatsApp/list-numbers); WABA
 * numbers are listed by `GET /open/waba/numbers` (2Chat's own n8n node; one WABA number by uuid is documented at
 * …/WhatsApp/WABA/get-number). A number on neither list, or not a WhatsApp channel, is refused before anything is
 * registered (a subscription for it would never fire).
 */
export async function channelOf(api: ApiClient, business: string): Promise<TwoChatChannel> {
	const wanted = digitsOnly(business);
	const numbers = listOf(await api.request({ path: '/open/whatsapp/get-numbers' }), 'numbers');
	const listed = numbers.find((n) => digitsOnly(n.phone_number) === wanted);
	if (listed) {
		const type = (str(listed.channel_type) ?? 'WW').toUpperCase();
		if (type === 'WW') return 'whatsapp-web';
		// "WA" is how 2Chat's caller-ID list names a WhatsApp Business API number.
		if (type === 'WA' || type === 'WABA') return 'waba';
		throw new NodeOperationError(api.node, `The number ${business} is a 2Chat ${type} channel, not a WhatsApp number`, {
			description: 'The 2Chat Instant Trigger listens to WhatsApp numbers (WhatsApp Web or WABA). Check the Business Number.',
		});
	}
	let waba: Array<Record<string, unknown>> = [];
	try {
		waba = listOf(await api.request({ path: '/open/waba/numbers' }), 'numbers');
	} catch (error) {
		// An account without WABA numbers may not have the list at all.
		if (!(error instanceof NodeApiError && error.httpCode === '404')) throw asNodeError(api.node, error);
	}
	if (waba.some((n) => digitsOnly(n.phone_number) === wanted)) return 'waba';
	const onAccount = [...numbers, ...waba].map((n) => str(n.phone_number)).filter((n) => n);
	throw new NodeOperationError(api.node, `The number ${business} is not connected to this 2Chat account`, {
		description: `2Chat lists ${onAccount.length ? onAccount.join(', ') : 'no numbers'} for this API key. Check the Business Number (with its country code) and that the number is connected in 2Chat.`,
	});
}

async function subscribe(api: ApiClient, event: string, input: WebhookInput, channel: TwoChatChannel): Promise<string> {
	let reply: unknown;
	try {
		reply = await api.request({ method: 'POST', path: `/open/webhooks/subscribe/${event}`, body: { hook_url: input.url, on_number: input.businessNumber ?? '' }, idempotent: false });
	} catch (error) {
		// Only a refusal (4xx) is about WABA; a request whose outcome is unknown (timeout, reset, 5xx) goes up as it is,
		// so the registration layer looks the subscription up instead of sending it again.
		const status = error instanceof NodeApiError ? Number(error.httpCode) : NaN;
		if (channel !== 'waba' || outcomeUnknown(error) || !(status >= 400 && status < 500)) throw asNodeError(api.node, error);
		const answer = typeof error.description === 'string' && error.description ? error.description : error.message;
		// The description names WABA too: n8n shows only the description when an activation fails.
		throw api.fail({
			status: Number(error.httpCode) || 400,
			message: `2Chat refused the webhook event ${event} for the WhatsApp Business API (WABA) number ${input.businessNumber ?? ''}`,
			providerMessage: `The 2Chat Instant Trigger cannot listen to this WABA number for Event "${input.event}": 2Chat refused ${event} (${answer}).`,
		});
	}
	const body = record(reply);
	const id = String(record(body.data).uuid ?? body.uuid ?? '');
	if (!id) throw api.badBody(body, 'no webhook "uuid" in the subscribe reply');
	return id;
}

async function unsubscribe(api: ApiClient, ids: string[]): Promise<void> {
	for (const id of ids) {
		try {
			await api.request({ method: 'DELETE', path: `/open/webhooks/${encodeURIComponent(id)}` });
		} catch (error) {
			// Already gone is what we wanted.
			if (String((error as { httpCode?: string }).httpCode) !== '404') throw asNodeError(api.node, error);
		}
	}
}

/**
 * 2Chat webhooks: `POST /open/webhooks/subscribe/{event}` `{hook_url, on_number}`, `GET /open/webhooks`,
 * `DELETE /open/webhooks/{uuid}`. The Business Number is checked against the account's numbers first, and its channel
 * (WhatsApp Web or WABA) picks the events. 2Chat signs nothing and sends no headers of ours, so the secret travels in
 * the URL's query string (`?token=`). The payload of a message event is the message itself (same `uuid` as the history).
 */
export const twoChatWebhook: WebhookAdapter = {
	history: twoChatAdapter,
	events: ['inbound', 'outbound', 'any'],
	secret: { kind: 'query', name: 'token' },
	needsBusinessNumber: true,
	async list(api: ApiClient, input: WebhookInput) {
		// Either channel's events: telling the channel would cost one more credit at every n8n start.
		const events = new Set([...EVENTS['whatsapp-web'][input.event], ...EVENTS.waba[input.event]]);
		return listOf(await api.request({ path: '/open/webhooks' }), 'webhooks')
			.filter((w) => w.event_name === undefined || events.has(String(w.event_name)))
			.map((w) => ({ id: String(w.uuid ?? w.id ?? ''), url: String(w.hook_url ?? w.url ?? '') }));
	},
	async register(api: ApiClient, input: WebhookInput) {
		const channel = await channelOf(api, input.businessNumber ?? '');
		const ids: string[] = [];
		try {
			for (const event of EVENTS[channel][input.event]) ids.push(await subscribe(api, event, input, channel));
		} catch (error) {
			// No half registration: what was subscribed before the failure is removed again (the failure is what counts).
			await unsubscribe(api, ids).catch(() => undefined);
			throw asNodeError(api.node, error);
		}
		return { ids };
	},
	async unregister(api: ApiClient, stored) {
		await unsubscribe(api, stored.ids);
	},
	parse(body: unknown): Delivery[] {
		const b = record(body);
		const event = typeof b.event === 'string' ? b.event : typeof b.event_name === 'string' ? b.event_name : undefined;
		if (event && !MESSAGE_EVENT.test(event)) {
			return [{ kind: /receipt|ack|status/.test(event) ? 'status' : 'other', original: body }];
		}
		const message = record(b.message);
		if (!(b.uuid || b.id) || !Object.keys(message).length) return [{ kind: 'other', original: body }];
		// WABA payloads carry a `WA-WAN…-<digits>` session key and `created_at` without a zone
		// ("2026-02-18T18:01:35"): the history mapping reads that time as UTC and the contact from the session key.
		return [{ kind: 'message', record: b as IDataObject, original: body }];
	},
};
