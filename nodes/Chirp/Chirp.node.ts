import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { actionSubtitle, buildProperties } from '../shared/descriptions/actionDescriptions';
import { route } from '../shared/actions/router';
import { chirpAdapter } from './adapter';

export class Chirp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Chirp',
		name: 'chirp',
		icon: { light: 'file:../../icons/chirp.svg', dark: 'file:../../icons/chirp.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: actionSubtitle,
		description: 'Read WhatsApp message history from Chirp: a conversation, one message, many, or the list of conversations and who awaits a reply',
		// Used verbatim by the editor's "Docs" link; n8n appends tracking parameters to a codex URL, after its #anchor.
		documentationUrl: 'https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#chirp',
		defaults: { name: 'Chirp' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'chirpApi', required: true }],
		properties: buildProperties({
			adapter: chirpAdapter,
			optional: { getConversation: ['businessNumber'], getAll: ['businessNumber'], listConversations: ['businessNumber'] },
			optionalHints: { businessNumber: 'only messages of this number, when your Chirp organization has several' },
			notes: {
				getConversation:
					'Chirp has no per-contact list, so the node reads your organization\'s messages, taking Chirp\'s WhatsApp list to page like its documented SMS list (<a href="https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#chirp" target="_blank">see the README</a>), and keeps this contact\'s.',
				getAll: 'Chirp documents only the single-message read; its WhatsApp list is taken to page like its documented SMS list (<a href="https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#chirp" target="_blank">see the README</a>).',
				listConversations:
					'Chirp has no conversation list: the node reads your organization\'s messages in the window (without dates, the last 7 days) and groups them by contact, taking Chirp\'s WhatsApp list to page like its documented SMS list (<a href="https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#chirp" target="_blank">see the README</a>).',
			},
			dateHint: 'Applied by the node: pages are read newest first until they are older than Received After',
			examples: { messageId: 'e.g. msg_wa_2bX…' },
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, chirpAdapter);
	}
}
