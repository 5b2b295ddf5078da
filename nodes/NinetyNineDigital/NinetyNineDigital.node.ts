import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties } from '../shared/descriptions';
import { route } from '../shared/router';
import { ninetyNineDigitalAdapter } from './adapter';

export class NinetyNineDigital implements INodeType {
	description: INodeTypeDescription = {
		displayName: '99digital',
		name: 'ninetyNineDigital',
		icon: { light: 'file:../../icons/99digital.svg', dark: 'file:../../icons/99digital.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "getAll" ? "Get Many" : $parameter["operation"] === "getMessage" ? "Get Message" : "Get Conversation"}}',
		description: 'Read WhatsApp message history from 99digital as normalized items',
		defaults: { name: '99digital' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ninetyNineDigitalApi', required: true }],
		properties: buildProperties({
			adapter: ninetyNineDigitalAdapter,
			optional: { getMessage: ['contactNumber'] },
			notes: {
				getMessage:
					'99digital has no single-message endpoint: the node scans the history (50 messages per page, newest first) until it finds the ID. A contact number and dates make the scan shorter.',
				getAll: '99digital keeps one year of history; media links are deleted after 7 days (use Download Media to keep the files)',
			},
			dateHint: '99digital has no date filter: pages are read newest first until they are older than the start date',
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, ninetyNineDigitalAdapter);
	}
}
