import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { pollMessages } from '../shared/polling/poll';
import { buildTriggerProperties } from '../shared/descriptions/triggerDescriptions';
import { doubleTickAdapter } from './adapter';

export class DoubleTickTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DoubleTick Trigger',
		name: 'doubleTickTrigger',
		icon: { light: 'file:../../icons/doubletick.svg', dark: 'file:../../icons/doubletick.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "any" ? "Any new message" : "New " + $parameter["event"] + " message"}}',
		description: 'Read WhatsApp message history from DoubleTick, or start a workflow on each new message',
		// Used verbatim by the editor's "Docs" link; n8n appends tracking parameters to a codex URL, after its #anchor.
		documentationUrl: 'https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#doubletick',
		defaults: { name: 'DoubleTick Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'doubleTickApi', required: true }],
		properties: buildTriggerProperties(doubleTickAdapter, true),
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollMessages.call(this, doubleTickAdapter, true);
	}
}
