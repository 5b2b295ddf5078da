import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { pollMessages } from '../shared/poll';
import { buildTriggerProperties } from '../shared/triggerDescriptions';
import { twoChatAdapter } from './adapter';

export class TwoChatTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: '2Chat Trigger',
		name: 'twoChatTrigger',
		icon: { light: 'file:../../icons/twochat.svg', dark: 'file:../../icons/twochat.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "any" ? "Any new message" : "New " + $parameter["event"] + " message"}}',
		description: 'Starts the workflow on new WhatsApp messages in 2Chat, by polling its history',
		defaults: { name: '2Chat Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'twoChatApi', required: true }],
		properties: buildTriggerProperties(twoChatAdapter),
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollMessages.call(this, twoChatAdapter);
	}
}
