import type { INodeProperties } from 'n8n-workflow';

import { contactFilter, contactHint, optionsFor, phoneHint } from './actionDescriptions';
import { contextMessagesOption, triggerOutputFormatOption } from './burstDescriptions';
import type { ProviderAdapter } from '../provider';

const TRIGGER_OPTIONS = ['binaryPropertyName', 'downloadMedia', 'includeRaw', 'maxMediaSize'];

/**
 * The contract's trigger parameters: businessNumber, event, contactNumbers (DoubleTick), filters, options.
 * `cost`: a calm callout at the top saying what each poll costs, where it costs something.
 */
export function buildTriggerProperties(adapter: ProviderAdapter, watchesContacts = false, cost?: string): INodeProperties[] {
	const properties: INodeProperties[] = [];
	if (cost) {
		properties.push({ displayName: cost, name: 'notice_cost', type: 'callout', default: '' });
	}
	if (adapter.required.getAll.includes('businessNumber')) {
		properties.push({
			displayName: 'Business Number',
			name: 'businessNumber',
			type: 'string',
			required: true,
			default: '',
			placeholder: '+972 50-123-4567',
			description: 'Your WhatsApp number connected to the provider',
			hint: phoneHint,
		});
	}
	if (watchesContacts) {
		properties.push({
			displayName: 'Contact Numbers',
			name: 'contactNumbers',
			type: 'string',
			required: true,
			default: '',
			placeholder: '+972 50-987-6543, +1 555 010 2030',
			description: `Comma-separated contacts to watch: ${adapter.displayName} lists history one contact at a time, so the trigger polls each of them and keeps a starting point per contact`,
			hint: `Comma-separated, each with the country code. Every poll reads each of them (one ${adapter.displayName} request per contact).`,
		});
	}
	properties.push(
		{
			displayName: 'Event',
			name: 'event',
			type: 'options',
			options: [
				{ name: 'Any Message', value: 'any', description: 'Messages in both directions' },
				{ name: 'Inbound Message', value: 'inbound', description: 'Messages a contact sent to your number (a message whose record does not tell its direction starts only Any Message)' },
				{ name: 'Outbound Message', value: 'outbound', description: 'Messages sent from your number' },
			],
			default: 'inbound',
			description: 'Which new messages start the workflow',
			hint: 'Inbound: messages your contacts send you. Outbound: messages sent from your number.',
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				watchesContacts
					? {
							...contactFilter,
							description: 'Only messages with this contact; it must be one of the Contact Numbers (it narrows that list, it does not replace it)',
							hint: `Optional: one of the Contact Numbers above. ${contactHint}.`,
						}
					: { ...contactFilter, hint: `Optional: only this contact's messages start the workflow. ${contactHint}.` },
			],
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [...optionsFor(adapter.displayName, TRIGGER_OPTIONS), contextMessagesOption, triggerOutputFormatOption].sort((a, b) => a.displayName.localeCompare(b.displayName)),
		},
	);
	return properties;
}
