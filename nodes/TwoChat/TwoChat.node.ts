import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { actionSubtitle, buildProperties } from '../shared/descriptions/actionDescriptions';
import { route } from '../shared/actions/router';
import { twoChatAdapter } from './adapter';

export class TwoChat implements INodeType {
	description: INodeTypeDescription = {
		displayName: '2Chat',
		name: 'twoChat',
		icon: { light: 'file:../../icons/twochat.svg', dark: 'file:../../icons/twochat.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: actionSubtitle,
		description: 'Read WhatsApp message history from 2Chat: a conversation, one message, many, or the list of conversations and who awaits a reply',
		// Used verbatim by the editor's "Docs" link; n8n appends tracking parameters to a codex URL, after its #anchor.
		documentationUrl: 'https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#2chat',
		defaults: { name: '2Chat' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'twoChatApi', required: true }],
		properties: buildProperties({
			adapter: twoChatAdapter,
			optional: { getMessage: ['businessNumber'] },
			optionalHints: { businessNumber: "2Chat's single-message reply has no business number; given here, it fills the item's businessNumber" },
			notes: {
				getConversation: {
					text: 'Return All reads every page of this conversation (100 messages each); every page is a paid 2Chat call.',
					show: { returnAll: [true] },
				},
				getAll: {
					text: "Return All reads every page of your number's history (100 messages each); every page is a paid 2Chat call.",
					show: { returnAll: [true] },
				},
				listConversations:
					"2Chat's conversation list has no last-message time or direction, so the node reads your number's history in the window (100 messages per paid call; without dates, the last 7 days) and groups it by contact.",
			},
			dateHint: '2Chat has no date filter, so pages are read newest first until they are older than Received After',
			examples: { messageId: 'e.g. MSG3f2a…', sessionKey: 'e.g. WW-WPN…-972502222222@c.us' },
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, twoChatAdapter);
	}
}
