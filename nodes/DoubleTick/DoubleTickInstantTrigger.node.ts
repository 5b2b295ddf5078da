import { NodeConnectionTypes } from 'n8n-workflow';
import type { IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { buildInstantTriggerProperties } from '../shared/descriptions/webhookDescriptions';
import { checkExists, create, receive, remove } from '../shared/instant/webhookTrigger';
import { doubleTickWebhook } from './webhook';

export class DoubleTickInstantTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DoubleTick Instant Trigger',
		name: 'doubleTickInstantTrigger',
		icon: { light: 'file:../../icons/doubletick.svg', dark: 'file:../../icons/doubletick.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "any" ? "Any new message (instant)" : "New " + $parameter["event"] + " message (instant)"}}',
		description: 'Starts the workflow the moment a customer\'s WhatsApp message reaches DoubleTick (webhook) and fills gaps from the history of the contacts it has seen. Pick the polling DoubleTick Trigger for outbound messages.',
		defaults: { name: 'DoubleTick Instant Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'doubleTickApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: buildInstantTriggerProperties(doubleTickWebhook, {
			notices: ['DoubleTick has no API to delete webhooks: after deactivating this trigger, remove its webhook in DoubleTick under Settings → Webhooks (n8n\'s log names it). Activating again reuses it.'],
		}),
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this, doubleTickWebhook);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this, doubleTickWebhook);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this, doubleTickWebhook);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receive.call(this, doubleTickWebhook);
	}
}
