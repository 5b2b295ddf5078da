import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { pollMessages } from '../shared/polling/poll';
import { buildTriggerProperties } from '../shared/descriptions/triggerDescriptions';
import { ninetyNineDigitalAdapter } from './adapter';

export class NinetyNineDigitalTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: '99digital Trigger',
		name: 'ninetyNineDigitalTrigger',
		icon: { light: 'file:../../icons/99digital.svg', dark: 'file:../../icons/99digital.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "any" ? "Any new message" : "New " + $parameter["event"] + " message"}}',
		description: 'Read WhatsApp message history from 99digital, or start a workflow on each new message',
		// Used verbatim by the editor's "Docs" link; n8n appends tracking parameters to a codex URL, after its #anchor.
		documentationUrl: 'https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#99digital',
		defaults: { name: '99digital Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ninetyNineDigitalApi', required: true }],
		properties: buildTriggerProperties(ninetyNineDigitalAdapter),
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollMessages.call(this, ninetyNineDigitalAdapter);
	}
}
