import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { pollMessages } from '../shared/polling/poll';
import { buildTriggerProperties } from '../shared/descriptions/triggerDescriptions';
import { chirpAdapter } from './adapter';

export class ChirpTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Chirp Trigger',
		name: 'chirpTrigger',
		icon: { light: 'file:../../icons/chirp.svg', dark: 'file:../../icons/chirp.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "any" ? "Any new message" : "New " + $parameter["event"] + " message"}}',
		description: 'Read WhatsApp message history from Chirp, or start a workflow on each new message',
		// Used verbatim by the editor's "Docs" link; n8n appends tracking parameters to a codex URL, after its #anchor.
		documentationUrl: 'https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#chirp',
		defaults: { name: 'Chirp Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'chirpApi', required: true }],
		properties: buildTriggerProperties(chirpAdapter),
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollMessages.call(this, chirpAdapter);
	}
}
