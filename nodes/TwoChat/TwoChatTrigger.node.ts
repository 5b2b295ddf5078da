import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { pollMessages } from '../shared/polling/poll';
import { buildTriggerProperties } from '../shared/descriptions/triggerDescriptions';
import { twoChatAdapter } from './adapter';

export class TwoChatTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: '2Chat Trigger',
		name: 'twoChatTrigger',
		icon: { light: 'file:../../icons/twochat.svg', dark: 'file:../../icons/twochat.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "any" ? "Any new message" : "New " + $parameter["event"] + " message"}}',
		description: 'Read WhatsApp message history from 2Chat, or start a workflow on each new message',
		// Used verbatim by the editor's "Docs" link; n8n appends tracking parameters to a codex URL, after its #anchor.
		documentationUrl: 'https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#2chat',
		defaults: { name: '2Chat Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'twoChatApi', required: true }],
		properties: buildTriggerProperties(twoChatAdapter, false, 'Polls once per minute by default (Poll Times below); every poll is a paid 2Chat call, about 1,440 a day per watched number.'),
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollMessages.call(this, twoChatAdapter);
	}
}
