import { NodeConnectionTypes } from 'n8n-workflow';
import type { IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { buildInstantTriggerProperties } from '../shared/descriptions/webhookDescriptions';
import { checkExists, create, receive, remove } from '../shared/instant/webhookTrigger';
import { chirpWebhook } from './webhook';

export class ChirpInstantTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Chirp Instant Trigger',
		name: 'chirpInstantTrigger',
		icon: { light: 'file:../../icons/chirp.svg', dark: 'file:../../icons/chirp.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "any" ? "Any new message (instant)" : "New " + $parameter["event"] + " message (instant)"}}',
		description: 'Starts the workflow the moment a WhatsApp message reaches Chirp (webhook) and fills any gap from the history. Needs the App API Key in the credential; pick the polling Chirp Trigger if n8n cannot be reached over HTTPS.',
		defaults: { name: 'Chirp Instant Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'chirpApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: buildInstantTriggerProperties(chirpWebhook, {
			notices: ['Needs an App API Key (sk_live_app_…) in the Chirp credential: Chirp manages webhooks per app. Chirp only calls HTTPS URLs.'],
		}),
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this, chirpWebhook);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this, chirpWebhook);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this, chirpWebhook);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receive.call(this, chirpWebhook);
	}
}
