import { NodeConnectionTypes } from 'n8n-workflow';
import type { IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { buildInstantTriggerProperties } from '../shared/descriptions/webhookDescriptions';
import { checkExists, create, receive, remove } from '../shared/instant/webhookTrigger';
import { twoChatWebhook } from './webhook';

export class TwoChatInstantTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: '2Chat Instant Trigger',
		name: 'twoChatInstantTrigger',
		icon: { light: 'file:../../icons/twochat.svg', dark: 'file:../../icons/twochat.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "any" ? "Any new message (instant)" : "New " + $parameter["event"] + " message (instant)"}}',
		description: 'Starts the workflow the moment a WhatsApp message reaches 2Chat (webhook, no per-poll API credits) and fills any gap from the history. Pick the polling 2Chat Trigger only if n8n cannot be reached from the internet.',
		defaults: { name: '2Chat Instant Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'twoChatApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: buildInstantTriggerProperties(twoChatWebhook, {
			notices: [],
		}),
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this, twoChatWebhook);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this, twoChatWebhook);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this, twoChatWebhook);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receive.call(this, twoChatWebhook);
	}
}
