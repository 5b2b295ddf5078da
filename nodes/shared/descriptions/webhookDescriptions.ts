import type { INodeProperties } from 'n8n-workflow';

import { contactFilter, phoneHint, sharedOptions } from './actionDescriptions';
import { DEFAULT_GAP_CHECK_MINUTES } from '../instant/catchUp';
import { contextMessagesOption, triggerOutputFormatOption, waitForQuietOption } from './burstDescriptions';
import type { EventChoice, WebhookAdapter } from '../instant/webhookTrigger';

const TRIGGER_OPTIONS = ['binaryPropertyName', 'downloadMedia', 'includeRaw', 'maxMediaSize'];

const EVENTS: Record<EventChoice, { name: string; value: EventChoice; description: string }> = {
	any: { name: 'Any Message', value: 'any', description: 'Messages in both directions' },
	inbound: { name: 'Inbound Message', value: 'inbound', description: 'Messages a contact sent to your number (a message whose record does not tell its direction starts only Any Message)' },
	outbound: { name: 'Outbound Message', value: 'outbound', description: 'Messages sent from your number' },
};

/** Issue 20: one execution per burst, and the transcript output. */
const burstOptions = [contextMessagesOption, triggerOutputFormatOption, waitForQuietOption];

export const catchUpOption: INodeProperties = {
	displayName: 'Catch Up',
	name: 'catchUp',
	type: 'boolean',
	default: true,
	description:
		'Whether to fill gaps from the history: after n8n was down or the workflow was inactive, the next message also brings the ones missed meanwhile, oldest first, each once; and every Gap Check Interval a message also brings deliveries the provider lost',
};

export const gapCheckOption: INodeProperties = {
	displayName: 'Gap Check Interval (Minutes)',
	name: 'gapCheckMinutes',
	type: 'number',
	default: DEFAULT_GAP_CHECK_MINUTES,
	typeOptions: { minValue: 0, numberPrecision: 2 },
	description:
		'With Catch Up on, the first message after this many minutes since the history was last read also brings the messages whose delivery the provider lost meanwhile (one history read; 0 = at every message)',
	hint: 'n8n gives webhook triggers no timer: the check runs with the first message after the interval, not on a clock',
};

export interface InstantSpec {
	/** Notices shown at the top of the node panel (e.g. what the provider cannot do). */
	notices?: string[];
	/** Provider options of its own, added to Options. */
	extraOptions?: INodeProperties[];
}

/** The contract's instant-trigger parameters: businessNumber, event (what the provider can push), filters, options. */
export function buildInstantTriggerProperties(wa: WebhookAdapter, spec: InstantSpec = {}): INodeProperties[] {
	const properties: INodeProperties[] = (spec.notices ?? []).map((text, i) => ({
		displayName: text,
		name: `notice${i}`,
		type: 'notice',
		default: '',
	}));
	properties.push({
		displayName: 'Business Number',
		name: 'businessNumber',
		type: 'string',
		required: wa.needsBusinessNumber,
		default: '',
		placeholder: '+972 50-123-4567',
		description: wa.needsBusinessNumber
			? 'Your WhatsApp number connected to the provider: its messages start the workflow'
			: 'Only messages of this WhatsApp number start the workflow; empty for all numbers of the account',
		hint: phoneHint,
	});
	const events = (['any', 'inbound', 'outbound'] as EventChoice[]).filter((e) => wa.events.includes(e)).map((e) => EVENTS[e]);
	properties.push(
		{
			displayName: 'Event',
			name: 'event',
			type: 'options',
			options: events,
			default: 'inbound',
			description:
				wa.events.length === 1
					? `Which new messages start the workflow (${wa.history.displayName} pushes inbound messages only; use the polling trigger for outbound ones)`
					: 'Which new messages start the workflow',
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [contactFilter],
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [...sharedOptions.filter((o) => TRIGGER_OPTIONS.includes(o.name)), catchUpOption, gapCheckOption, ...burstOptions, ...(spec.extraOptions ?? [])].sort((a, b) =>
				a.displayName.localeCompare(b.displayName),
			),
		},
	);
	return properties;
}
