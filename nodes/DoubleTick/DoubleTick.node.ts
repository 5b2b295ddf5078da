import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { actionSubtitle, buildProperties } from '../shared/descriptions/actionDescriptions';
import { route } from '../shared/actions/router';
import { doubleTickAdapter } from './adapter';

export class DoubleTick implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DoubleTick',
		name: 'doubleTick',
		icon: { light: 'file:../../icons/doubletick.svg', dark: 'file:../../icons/doubletick.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: actionSubtitle,
		description: 'Read WhatsApp message history from DoubleTick: a conversation, one message, many, or the list of conversations and who awaits a reply',
		// Used verbatim by the editor's "Docs" link; n8n appends tracking parameters to a codex URL, after its #anchor.
		documentationUrl: 'https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#doubletick',
		defaults: { name: 'DoubleTick' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'doubleTickApi', required: true }],
		hints: [
			{
				message: 'Get Many needs Filters → Contact Number: DoubleTick lists history one contact at a time',
				type: 'info',
				location: 'outputPane',
				whenToDisplay: 'beforeExecution',
				displayCondition: '={{ $parameter["operation"] === "getAll" && !($parameter["filters"] || {}).contactNumber }}',
			},
		],
		properties: buildProperties({
			adapter: doubleTickAdapter,
			optional: {},
			notes: {
				getConversation:
					'Without dates in Filters, the last 30 days are read (DoubleTick needs a date range; it is read in 7-day windows).',
				getMessage:
					'DoubleTick has no single-message endpoint: the node looks for the ID in the conversation with this contact, in the last 30 days unless Filters give dates.',
				getAll:
					'Add Filters → Contact Number before running: DoubleTick lists history one contact at a time. Without dates, the last 30 days are read.',
				listConversations:
					'DoubleTick lists one contact at a time: the node reads the conversation with each of the Contact Numbers in the window (without dates, the last 7 days) and makes one item per contact who has messages there.',
			},
			dateHint: 'Without dates, the last 30 days are read',
			examples: { messageId: 'e.g. 0b9d5c1e-…' },
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, doubleTickAdapter);
	}
}
