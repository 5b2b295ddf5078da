import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { actionSubtitle, buildProperties } from '../shared/descriptions/actionDescriptions';
import { route } from '../shared/actions/router';
import { ninetyNineDigitalAdapter } from './adapter';

export class NinetyNineDigital implements INodeType {
	description: INodeTypeDescription = {
		displayName: '99digital',
		name: 'ninetyNineDigital',
		icon: { light: 'file:../../icons/99digital.svg', dark: 'file:../../icons/99digital.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: actionSubtitle,
		description: 'Read WhatsApp message history from 99digital: a conversation, one message, many, or the list of conversations and who awaits a reply',
		// Used verbatim by the editor's "Docs" link; n8n appends tracking parameters to a codex URL, after its #anchor.
		documentationUrl: 'https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#99digital',
		defaults: { name: '99digital' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ninetyNineDigitalApi', required: true }],
		properties: buildProperties({
			adapter: ninetyNineDigitalAdapter,
			optional: { getMessage: ['contactNumber'] },
			optionalHints: { contactNumber: 'the contact of the message, to scan only that conversation' },
			notes: {
				getMessage:
					'99digital has no single-message endpoint: the node scans the history (50 messages per page, newest first) for the ID. A Contact Number and dates make the scan shorter.',
				listConversations:
					"99digital has no conversation list: the node reads your number's history in the window (50 messages per page; without dates, the last 7 days) and groups it by contact.",
			},
			dateHint: '99digital has no date filter, so pages are read newest first until they are older than Received After',
			examples: { messageId: 'e.g. 3EB0A1B2C3D4E5F6A7B8' },
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, ninetyNineDigitalAdapter);
	}
}
