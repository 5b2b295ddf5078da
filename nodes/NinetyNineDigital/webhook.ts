import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { asNodeError } from '../shared/errors';
import type { ApiClient } from '../shared/transport/http';
import { record } from '../shared/mapping';
import { digitsOf } from '../shared/phone';
import type { Delivery, StoredRegistration, WebhookAdapter, WebhookInput } from '../shared/instant/webhookTrigger';
import { ninetyNineDigitalAdapter } from './adapter';

/**
 * The settings `setWebhook` overwrites together with the URL. getWebhook documents them as strings or numbers
 * (`"system": "1"`, `"systemPhoneAlert": "972502211234,972527788695"`, `"retry": 1`); setWebhook takes a
 * comma-separated phone list in `systemPhoneAlert` (" " clears it). The node never reshapes them.
 */
const SETTINGS = ['system', 'systemPhoneAlert', 'readStatus', 'retry'] as const;

async function getWebhook(api: ApiClient, business: string): Promise<IDataObject> {
	return record(await api.request({ method: 'POST', path: '/whatsapp/v2/getWebhook', body: { from: digitsOf(business) } })) as IDataObject;
}

/**
 * The settings exactly as getWebhook returned them, only those it returned: whether setWebhook keeps a setting
 * that is left out is undocumented, and a value sent back verbatim cannot be mangled (a phone list is not a number).
 */
export function settingsAsRead(current: IDataObject): IDataObject {
	const settings: IDataObject = {};
	for (const key of SETTINGS) if (current[key] !== undefined && current[key] !== null) settings[key] = current[key];
	return settings;
}

async function setWebhook(api: ApiClient, business: string, url: string, settings: IDataObject): Promise<void> {
	await api.request({ method: 'POST', path: '/whatsapp/v2/setWebhook', body: { from: digitsOf(business), url, ...settingsAsRead(settings) } });
}

const urlOf = (current: IDataObject): string => String(current.url ?? '').trim();

/**
 * What deactivation sends with the URL it puts back: the settings as they are now (a change the user made meanwhile
 * stays), except `retry`, which activation set to 1 and which goes back to its value from before the activation.
 */
export function settingsToRestore(current: IDataObject, previous: IDataObject | undefined): IDataObject {
	const settings = settingsAsRead(current);
	if (previous && previous.retry !== undefined && previous.retry !== null) settings.retry = previous.retry;
	return settings;
}

/**
 * 99digital: ONE webhook URL per number (`setWebhook` overwrites it, `getWebhook` reads it, a URL of " " clears it).
 * So the node never overwrites a URL that is not its own unless Options → Replace Existing Webhook is on. Activation
 * changes only the URL and `retry` and sends every other setting back as read; deactivation, if the URL is still ours
 * by then, puts back the previous URL (or clears it) and `retry`. A test run never
 * takes the number from this node's production URL. No signing: the secret travels in the URL (`?token=`).
 */
export const ninetyNineDigitalWebhook: WebhookAdapter = {
	history: ninetyNineDigitalAdapter,
	events: ['inbound'],
	secret: { kind: 'query', name: 'token' },
	needsBusinessNumber: true,
	singleSlot: true,
	async list(api: ApiClient, input: WebhookInput) {
		const url = urlOf(await getWebhook(api, input.businessNumber ?? ''));
		return url ? [{ id: digitsOf(input.businessNumber ?? ''), url }] : [];
	},
	async register(api: ApiClient, input: WebhookInput) {
		const business = input.businessNumber ?? '';
		const current = await getWebhook(api, business);
		const now = urlOf(current);
		const ours = !!now && input.isOurs(now);
		if (ours) {
			if (input.manual && !input.isTestUrl(now)) {
				throw new NodeOperationError(
					api.node,
					`The number ${business} already sends its 99digital webhook to this workflow's production URL: deactivate the workflow to listen for a test event (99digital has one webhook URL per number), or use the polling 99digital Trigger`,
				);
			}
		} else if (now) {
			if (!input.replaceExisting) {
				throw new NodeOperationError(api.node, `The number ${business} already sends its 99digital webhook to ${now}`, {
					description:
						'99digital has one webhook URL per number. Turn on Options → Replace Existing Webhook to take it over (the previous URL and settings are put back when this trigger is deactivated), or use the polling 99digital Trigger.',
				});
			}
		}
		// What deactivation puts back: the URL held before (none when the number was free or already ours) and retry.
		const previous: IDataObject = { url: ours ? '' : now, ...settingsAsRead(current) };
		// retry=1: 99digital retries a failed delivery for about a day (immediately, +5 min, +20 min, +1 h, +4 h, +24 h).
		try {
			await setWebhook(api, business, input.url, { ...current, retry: 1 });
		} catch (error) {
			// It may have been saved all the same: the number gets back what it had, and the activation fails.
			await setWebhook(api, business, now || ' ', current).catch(() => undefined);
			throw asNodeError(api.node, error);
		}
		return { ids: [digitsOf(business)], previous };
	},
	async unregister(api: ApiClient, stored: StoredRegistration) {
		const business = stored.businessNumber ?? '';
		const current = await getWebhook(api, business);
		const now = urlOf(current);
		if (now !== stored.url) {
			return { manualAction: `the webhook of ${business} was changed by someone else meanwhile (now ${now ? now.split('?')[0] : 'empty'}); left as it is` };
		}
		// " " clears the URL (documented).
		const previousUrl = String(stored.previous?.url ?? '').trim();
		await setWebhook(api, business, previousUrl || ' ', settingsToRestore(current, stored.previous));
		return undefined;
	},
	parse(body: unknown): Delivery[] {
		const b = record(body);
		const hook = String(b.hook ?? '');
		if (hook && hook !== 'new') return [{ kind: 'status', original: body }];
		if (!b.unique) return [{ kind: b.status || b.state ? 'status' : 'other', original: body }];
		// The webhook's incoming message → the history's item shape: direction "1", text or link in `message`.
		const item = {
			unique: b.unique,
			timestamp: b.timestamp,
			direction: '1',
			from: b.from || b.from_id,
			to: b.to,
			type: b.type,
			state: 0,
			message: b.body ?? b.caption ?? '',
		};
		return [{ kind: 'message', record: item, original: body }];
	},
};
