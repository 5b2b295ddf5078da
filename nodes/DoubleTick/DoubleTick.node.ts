import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties } from '../shared/descriptions';
import { route } from '../shared/router';
import { doubleTickAdapter } from './adapter';

export class DoubleTick implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DoubleTick',
		name: 'doubleTick',
		icon: { light: 'file:../../icons/doubletick.svg', dark: 'file:../../icons/doubletick.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "getAll" ? "Get Many" : $parameter["operation"] === "getMessage" ? "Get Message" : "Get Conversation"}}',
		description: 'Read WhatsApp message history from DoubleTick as normalized items',
		defaults: { name: 'DoubleTick' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'doubleTickApi', required: true }],
		properties: buildProperties({
			adapter: doubleTickAdapter,
			optional: {},
			notes: {
				getMessage:
					'DoubleTick has no single-message endpoint: the node scans the conversation with this contact (last 30 days unless dates are given) for the ID',
				getAll:
					'DoubleTick lists history one contact at a time: the Contact Number filter is required. The requested range is read in 7-day windows.',
			},
			dateHint: 'Without dates, the last 30 days are read (DoubleTick needs a date range)',
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, doubleTickAdapter);
	}
}
