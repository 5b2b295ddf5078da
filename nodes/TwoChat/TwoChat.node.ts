import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties } from '../shared/descriptions';
import { route } from '../shared/router';
import { twoChatAdapter } from './adapter';

export class TwoChat implements INodeType {
	description: INodeTypeDescription = {
		displayName: '2Chat',
		name: 'twoChat',
		icon: { light: 'file:../../icons/twochat.svg', dark: 'file:../../icons/twochat.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "getAll" ? "Get Many" : $parameter["operation"] === "getMessage" ? "Get Message" : "Get Conversation"}}',
		description: 'Read WhatsApp message history from 2Chat as normalized items',
		defaults: { name: '2Chat' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'twoChatApi', required: true }],
		properties: buildProperties({
			adapter: twoChatAdapter,
			optional: { getMessage: ['businessNumber'] },
			notes: {
				getAll: 'Reads every page (100 messages each, newest first) of your number; with a contact filter, only that conversation',
			},
			dateHint: '2Chat has no date filter: pages are read newest first until they are older than the start date',
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, twoChatAdapter);
	}
}
