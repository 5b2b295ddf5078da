import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties } from '../shared/descriptions';
import { route } from '../shared/router';
import { chirpAdapter } from './adapter';

export class Chirp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Chirp',
		name: 'chirp',
		icon: { light: 'file:../../icons/chirp.svg', dark: 'file:../../icons/chirp.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "getAll" ? "Get Many" : $parameter["operation"] === "getMessage" ? "Get Message" : "Get Conversation"}}',
		description: 'Read WhatsApp message history from Chirp as normalized items',
		defaults: { name: 'Chirp' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'chirpApi', required: true }],
		properties: buildProperties({
			adapter: chirpAdapter,
			optional: { getConversation: ['businessNumber'], getAll: ['businessNumber'] },
			notes: {
				getConversation:
					"Chirp has no per-contact list: the node reads the organization's messages (cursor pages, newest first) and keeps this contact's messages",
				getAll:
					'Chirp documents only the single-message read; the list is taken to work like its documented SMS list (cursor pages). Contact, number and date filters are applied by the node.',
			},
			dateHint: 'Applied by the node: pages are read newest first until they are older than the start date',
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, chirpAdapter);
	}
}
