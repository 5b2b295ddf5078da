import type { INodeProperties } from 'n8n-workflow';

import type { Operation, ProviderAdapter } from './provider';

/** What a provider's node says beyond the shared parameters. */
export interface DescriptionSpec {
	adapter: ProviderAdapter;
	/** Parameters shown but not required, per operation (e.g. a contact that narrows a scan). */
	optional: Partial<Record<Operation, string[]>>;
	/** Honest notes on how each operation is done for this provider, shown in the node. */
	notes: Partial<Record<Operation, string>>;
	/** Hint under the date filters (e.g. the default range where the API needs one). */
	dateHint?: string;
	/** Provider-specific entries of the Options collection. */
	extraOptions?: INodeProperties[];
}

const OPERATIONS: Operation[] = ['getConversation', 'getMessage', 'getAll'];

function opsWith(spec: DescriptionSpec, parameter: string): Operation[] {
	return OPERATIONS.filter(
		(op) => spec.adapter.required[op].includes(parameter) || (spec.optional[op] ?? []).includes(parameter),
	);
}

function requiredIn(spec: DescriptionSpec, parameter: string): Operation[] {
	return OPERATIONS.filter((op) => spec.adapter.required[op].includes(parameter));
}

/** A string parameter shown on `ops`, marked required on the operations that need it. */
function perOperation(base: INodeProperties, ops: Operation[], required: Operation[]): INodeProperties[] {
	const need = ops.filter((op) => required.includes(op));
	const may = ops.filter((op) => !required.includes(op));
	const out: INodeProperties[] = [];
	if (need.length) out.push({ ...base, required: true, displayOptions: { show: { operation: need } } });
	if (may.length) out.push({ ...base, displayOptions: { show: { operation: may } } });
	return out;
}

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Get Conversation',
			value: 'getConversation',
			description: 'Get the WhatsApp conversation with a contact: the messages between your number and theirs, newest first',
			action: 'Get the conversation with a contact',
		},
		{
			name: 'Get Many',
			value: 'getAll',
			description: 'Get many WhatsApp messages of your number, following pagination',
			action: 'Get many messages',
		},
		{
			name: 'Get Message',
			value: 'getMessage',
			description: 'Get one WhatsApp message by its ID',
			action: 'Get a message',
		},
	],
	default: 'getConversation',
};

function dateFilters(spec: DescriptionSpec): INodeProperties[] {
	return [
		{
			displayName: 'End Date',
			name: 'endDate',
			type: 'dateTime',
			default: '',
			description: 'Only messages created at or before this moment (inclusive). Without an offset it is read in the workflow time zone.',
			hint: spec.dateHint,
		},
		{
			displayName: 'Start Date',
			name: 'startDate',
			type: 'dateTime',
			default: '',
			description: 'Only messages created at or after this moment (inclusive). Without an offset it is read in the workflow time zone.',
			hint: spec.dateHint,
		},
	];
}

const directionFilter: INodeProperties = {
	displayName: 'Direction',
	name: 'direction',
	type: 'options',
	options: [
		{ name: 'Any', value: '' },
		{ name: 'Inbound', value: 'inbound', description: 'Sent by the contact to your number' },
		{ name: 'Outbound', value: 'outbound', description: 'Sent from your number to the contact' },
	],
	default: '',
	description: 'Only messages in this direction',
};

export const contactFilter: INodeProperties = {
	displayName: 'Contact Number',
	name: 'contactNumber',
	type: 'string',
	default: '',
	placeholder: '+972 50-987-6543',
	description: 'Only messages with this contact, in international format with the country code',
};

export const sharedOptions: INodeProperties[] = [
	{
		displayName: 'Binary Property',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Name of the binary property that receives the downloaded media file',
		displayOptions: { show: { downloadMedia: [true] } },
	},
	{
		displayName: 'Download Media',
		name: 'downloadMedia',
		type: 'boolean',
		default: false,
		description:
			'Whether to download the files of media messages as binary data. Providers delete or expire media links (99digital after 7 days, Chirp after an hour), so this is how to keep them.',
	},
	{
		displayName: 'Include Raw Data',
		name: 'includeRaw',
		type: 'boolean',
		default: false,
		description: "Whether to add the provider's original message object under \"raw\"",
	},
	{
		displayName: 'Max Concurrent Requests',
		name: 'maxConcurrentRequests',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 16 },
		default: 4,
		description:
			'How many page requests may be in flight at once for providers with page numbers or date windows. A rate limit reply (429) halves it for the rest of the run.',
	},
	{
		displayName: 'Max Media Size (MB)',
		name: 'maxMediaSize',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 25,
		description: 'Larger files are not downloaded; the item gets media.error instead. 0 means no limit.',
		displayOptions: { show: { downloadMedia: [true] } },
	},
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 5,
		description:
			'How often a request is retried after a rate limit (429, honouring Retry-After), a server error (5xx) or a dropped connection',
	},
	{
		displayName: 'Max Transcript Length',
		name: 'maxTranscriptLength',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'Longest transcript in characters; the oldest lines are cut first and the first line says how many were left out. 0 means no limit.',
		displayOptions: { show: { outputFormat: ['transcript'], '/operation': ['getConversation', 'getAll'] } },
	},
	{
		displayName: 'Output Format',
		name: 'outputFormat',
		type: 'options',
		options: [
			{ name: 'Messages', value: 'messages', description: 'One item per message, newest first' },
			{
				name: 'Transcript',
				value: 'transcript',
				description:
					'One item with the conversation as readable lines, oldest first, in the workflow time zone: for AI agents, summaries and CRM notes',
			},
		],
		default: 'messages',
		description:
			'How the messages are handed on. Called as an AI agent tool, the node answers with a transcript unless this is set.',
		displayOptions: { show: { '/operation': ['getConversation', 'getAll'] } },
	},
	{
		displayName: 'Requests Per Minute',
		name: 'requestsPerMinute',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: "Cap on requests per minute. 0 uses the provider's documented limit (none where none is documented).",
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description:
			'Longest time one request may take from connecting to the last byte of the reply; past it the try fails and is retried like a dropped connection',
	},
];

export const phoneHint = 'Any format with the country code: +972 50-123-4567, 972501234567, 00972501234567';

/** The contract's parameters for one provider's action node, with its own notes and extras. */
export function buildProperties(spec: DescriptionSpec): INodeProperties[] {
	const { adapter } = spec;
	const scanning = !adapter.fetchMessage;
	const notes: INodeProperties[] = OPERATIONS.filter((op) => spec.notes[op]).map((op) => ({
		displayName: spec.notes[op] as string,
		name: `notice_${op}`,
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: [op] } },
	}));
	const getAllFilters: INodeProperties[] = [
		...(adapter.required.getAll.includes('filters.contactNumber')
			? [{ ...contactFilter, description: `${contactFilter.description}. Required: ${adapter.displayName} lists history one contact at a time.` }]
			: [contactFilter]),
		directionFilter,
		...dateFilters(spec),
	].sort((a, b) => a.displayName.localeCompare(b.displayName));

	return [
		operationProperty,
		...notes,
		...perOperation(
			{
				displayName: 'Business Number',
				name: 'businessNumber',
				type: 'string',
				default: '',
				placeholder: '+972 50-123-4567',
				description: 'Your WhatsApp number connected to the provider',
				hint: phoneHint,
			},
			opsWith(spec, 'businessNumber'),
			requiredIn(spec, 'businessNumber'),
		),
		...perOperation(
			{
				displayName: 'Contact Number',
				name: 'contactNumber',
				type: 'string',
				default: '',
				placeholder: '+972 50-987-6543',
				description: 'The other party of the conversation',
				hint: phoneHint,
			},
			opsWith(spec, 'contactNumber'),
			requiredIn(spec, 'contactNumber'),
		),
		{
			displayName: 'Message ID',
			name: 'messageId',
			type: 'string',
			required: true,
			default: '',
			description: 'The provider\'s message ID (the "ID" field of the items this node outputs)',
			displayOptions: { show: { operation: ['getMessage'] } },
		},
		...perOperation(
			{
				displayName: 'Session Key',
				name: 'sessionKey',
				type: 'string',
				default: '',
				description: 'The conversation the message belongs to (the "conversationId" field of the items this node outputs)',
			},
			opsWith(spec, 'sessionKey'),
			requiredIn(spec, 'sessionKey'),
		),
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show: { operation: ['getConversation', 'getAll'] } },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { operation: ['getConversation', 'getAll'], returnAll: [false] } },
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: { show: { operation: ['getConversation'] } },
			options: [directionFilter, ...dateFilters(spec)].sort((a, b) => a.displayName.localeCompare(b.displayName)),
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: { show: { operation: ['getAll'] } },
			options: getAllFilters,
		},
		...(scanning
			? [
					{
						displayName: 'Filters',
						name: 'filters',
						type: 'collection',
						placeholder: 'Add Filter',
						default: {},
						description: 'Narrow the history scanned for the message',
						displayOptions: { show: { operation: ['getMessage'] } },
						options: dateFilters(spec),
					} as INodeProperties,
				]
			: []),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [...sharedOptions, ...(spec.extraOptions ?? [])].sort((a, b) => a.displayName.localeCompare(b.displayName)),
		},
	];
}
