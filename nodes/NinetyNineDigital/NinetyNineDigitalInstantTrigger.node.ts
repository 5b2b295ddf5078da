import { NodeConnectionTypes } from 'n8n-workflow';
import type { IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { buildInstantTriggerProperties } from '../shared/descriptions/webhookDescriptions';
import { checkExists, create, receive, remove } from '../shared/instant/webhookTrigger';
import { ninetyNineDigitalWebhook } from './webhook';

export class NinetyNineDigitalInstantTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: '99digital Instant Trigger',
		name: 'ninetyNineDigitalInstantTrigger',
		icon: { light: 'file:../../icons/99digital.svg', dark: 'file:../../icons/99digital.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "any" ? "Any new message (instant)" : "New " + $parameter["event"] + " message (instant)"}}',
		description: 'Starts the workflow the moment a WhatsApp message reaches your 99digital number (webhook) and fills any gap from the history. 99digital has one webhook URL per number: pick the polling 99digital Trigger if another system uses it.',
		defaults: { name: '99digital Instant Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ninetyNineDigitalApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: buildInstantTriggerProperties(ninetyNineDigitalWebhook, {
			notices: ['99digital has one webhook URL per number. If another system already uses it, activation stops with its URL unless Options → Replace Existing Webhook is on (the previous URL is put back on deactivation). While the workflow is active, use the polling trigger to test.'],
			extraOptions: [
				{
					displayName: 'Replace Existing Webhook',
					name: 'replaceExistingWebhook',
					type: 'boolean',
					default: false,
					description:
						"Whether to take over the number's webhook when it points somewhere else (another system or workflow); its URL and settings are put back when this trigger is deactivated",
				},
			],
		}),
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this, ninetyNineDigitalWebhook);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this, ninetyNineDigitalWebhook);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this, ninetyNineDigitalWebhook);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receive.call(this, ninetyNineDigitalWebhook);
	}
}
