import type { INodeProperties } from 'n8n-workflow';

import { contactFilter, phoneHint, sharedOptions } from './descriptions';
import type { ProviderAdapter } from './provider';

const TRIGGER_OPTIONS = ['binaryPropertyName', 'downloadMedia', 'includeRaw', 'maxMediaSize'];

/** The contract's trigger parameters: businessNumber, event, contactNumbers (DoubleTick), filters, options. */
export function buildTriggerProperties(adapter: ProviderAdapter, watchesContacts = false): INodeProperties[] {
	const properties: INodeProperties[] = [];
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
		});
	}
	properties.push(
		{
			displayName: 'Event',
			name: 'event',
			type: 'options',
			options: [
				{ name: 'Any Message', value: 'any', description: 'Messages in both directions' },
				{ name: 'Inbound Message', value: 'inbound', description: 'Messages a contact sent to your number' },
				{ name: 'Outbound Message', value: 'outbound', description: 'Messages sent from your number' },
			],
			default: 'inbound',
			description: 'Which new messages start the workflow',
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
						}
					: contactFilter,
			],
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: sharedOptions.filter((o) => TRIGGER_OPTIONS.includes(o.name)),
		},
	);
	return properties;
}
