import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_WINDOW_DAYS } from '../actions/operations/listConversations.operation';
import type { Operation, ProviderAdapter } from '../provider';

/** What a provider's node says beyond the shared parameters. */
export interface DescriptionSpec {
	adapter: ProviderAdapter;
	/** Parameters shown but not required, per operation (e.g. a contact that narrows a scan). */
	optional: Partial<Record<Operation, string[]>>;
	/** Honest notes on how each operation is done for this provider, shown as a calm callout in the node. */
	notes: Partial<Record<Operation, string | Note>>;
	/** Added to the date filters' hints (how the provider applies them). */
	dateHint?: string;
	/** Hints of the parameters that are optional on some operation, saying what they add there. */
	optionalHints?: Partial<Record<string, string>>;
	/** Placeholders showing the shape of this provider's message id and session key. */
	examples?: { messageId?: string; sessionKey?: string };
	/** Provider-specific entries of the Options collection. */
	extraOptions?: INodeProperties[];
}

/** A callout shown only when `show` matches (besides its operation), e.g. only with Return All on. */
export interface Note {
	text: string;
	show?: Record<string, Array<string | boolean | number>>;
}

/** Where this package's README explains each provider (the nodes' "Docs" link opens the same place). */
export const README = 'https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#readme';
export const readmeSection = (anchor: string) => `https://github.com/whatsapp-history/n8n-nodes-whatsapp-history#${anchor}`;

/** How long each provider's media links live, for Download Media's hint. */
const MEDIA_LINKS: Record<string, string> = {
	DoubleTick: "DoubleTick's media links need the API key and DoubleTick does not say how long they live",
	'2Chat': '2Chat does not say how long its media links live',
	Chirp: "Chirp's media links expire after an hour",
	'99digital': "99digital deletes media after 7 days (history is kept a year)",
};

export function downloadMediaHint(provider: string): string {
	const links = MEDIA_LINKS[provider] ?? 'Provider media links expire';
	return `${links}: turn this on to keep the files in the workflow`;
}

const OPERATIONS: Operation[] = ['getConversation', 'getMessage', 'getAll', 'listConversations'];

function opsWith(spec: DescriptionSpec, parameter: string): Operation[] {
	return OPERATIONS.filter(
		(op) => spec.adapter.required[op].includes(parameter) || (spec.optional[op] ?? []).includes(parameter),
	);
}

function requiredIn(spec: DescriptionSpec, parameter: string): Operation[] {
	return OPERATIONS.filter((op) => spec.adapter.required[op].includes(parameter));
}

/**
 * A string parameter shown on `ops`: marked required on the operations that need it; where it is optional its
 * hint starts with "Optional" and says what it adds.
 */
function perOperation(base: INodeProperties, ops: Operation[], required: Operation[], optionalHint?: string): INodeProperties[] {
	const need = ops.filter((op) => required.includes(op));
	const may = ops.filter((op) => !required.includes(op));
	const out: INodeProperties[] = [];
	if (need.length) out.push({ ...base, required: true, displayOptions: { show: { operation: need } } });
	if (may.length) {
		out.push({
			...base,
			hint: `Optional: ${optionalHint ?? 'leave empty unless you need it'}. ${base.hint ?? ''}`.trim(),
			displayOptions: { show: { operation: may } },
		});
	}
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
		{
			name: 'List Conversations',
			value: 'listConversations',
			description:
				'List the WhatsApp conversations with messages in a time window, newest activity first: the last message, who wrote last and who is waiting for a reply',
			action: 'List conversations',
		},
	],
	default: 'getConversation',
};

/** The node's subtitle in the canvas: the chosen operation's name. */
export const actionSubtitle =
	'={{ {"getAll": "Get Many", "getMessage": "Get Message", "listConversations": "List Conversations"}[$parameter["operation"]] || "Get Conversation" }}';

const TIMEZONE_HINT = "A date without an offset is read in the workflow's timezone; items carry UTC (…Z)";

/** Received After (`startDate`) before Received Before (`endDate`): the earlier bound first, as Gmail does. */
function dateFilters(spec: DescriptionSpec, startHint = spec.dateHint): INodeProperties[] {
	const extra = startHint ? ` ${startHint}.` : '';
	return [
		{
			displayName: 'Received After',
			name: 'startDate',
			type: 'dateTime',
			default: '',
			description: 'Only messages created at or after this moment (inclusive, to the millisecond)',
			hint: `From this moment on, inclusive. ${TIMEZONE_HINT}.${extra}`,
		},
		{
			displayName: 'Received Before',
			name: 'endDate',
			type: 'dateTime',
			default: '',
			description: 'Only messages created at or before this moment (inclusive, to the millisecond)',
			hint: `Up to this moment, inclusive; must not be earlier than Received After. ${TIMEZONE_HINT}.`,
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
	hint: 'Inbound: sent by the contact to your number. Outbound: sent from your number.',
};

const awaitingReplyFilter: INodeProperties = {
	displayName: 'Awaiting Reply',
	name: 'awaitingReply',
	type: 'boolean',
	default: false,
	description: "Whether to keep only the conversations whose last message is the customer's (not answered yet)",
	hint: "Only conversations whose last message is the customer's. With Received Before = now − 30 minutes: customers waiting over 30 minutes (a reply sent after Received Before counts as an answer).",
};

/** List Conversations' filters: the window and Awaiting Reply (no direction: a conversation has both). */
function conversationFilters(spec: DescriptionSpec): INodeProperties[] {
	return [
		awaitingReplyFilter,
		...dateFilters(spec, `Without it, the ${DEFAULT_WINDOW_DAYS} days before Received Before (or before now) are read`),
	];
}

export const contactFilter: INodeProperties = {
	displayName: 'Contact Number',
	name: 'contactNumber',
	type: 'string',
	default: '',
	placeholder: '+972 50-987-6543',
	description: 'Only messages with this contact, in international format with the country code',
	hint: "The contact's WhatsApp number with the country code, e.g. +972 50-987-6543 or 972509876543",
};

/**
 * The Options collection. The options a user looks for come first, in alphabetical order; the transport knobs
 * (concurrency, retries, rate, timeout) come last, labelled "Transport: …" so they read as such. n8n shows a
 * collection's options in this order.
 */
export const sharedOptions: INodeProperties[] = [
	{
		displayName: 'Binary Property',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		placeholder: 'data',
		description: 'Name of the binary property that receives the downloaded media file',
		hint: 'Where the file goes in each media item; later nodes (Google Drive, Write Binary File…) read it from here',
		displayOptions: { show: { downloadMedia: [true] } },
	},
	{
		displayName: 'Download Media',
		name: 'downloadMedia',
		type: 'boolean',
		default: false,
		description: 'Whether to download the files of media messages as binary data',
		hint: 'Provider media links expire: turn this on to keep the files in the workflow',
	},
	{
		displayName: 'Include Raw Data',
		name: 'includeRaw',
		type: 'boolean',
		default: false,
		description: "Whether to add the provider's original message object under \"raw\"",
		hint: "Adds the provider's own object under raw, for fields the normalized item does not carry",
	},
	{
		displayName: 'Max Media Size (MB)',
		name: 'maxMediaSize',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 25,
		description: 'Larger files are not downloaded; the item gets media.error instead. 0 means no limit.',
		hint: 'Larger files are skipped with media.error on the item; 0 = no limit',
		displayOptions: { show: { downloadMedia: [true] } },
	},
	{
		displayName: 'Max Transcript Length',
		name: 'maxTranscriptLength',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'Longest transcript in characters; the oldest lines are cut first and the first line says how many were left out. 0 means no limit.',
		hint: 'In characters; the oldest lines are cut first. 0 = no limit.',
		displayOptions: { show: { outputFormat: ['transcript', 'transcriptPerContact'], '/operation': ['getConversation', 'getAll'] } },
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
		hint: 'Transcript: one item with readable lines, oldest first — for AI agents, summaries and CRM notes',
		displayOptions: { show: { '/operation': ['getConversation', 'getAll'] } },
	},
	{
		displayName: 'Transport: Max Concurrent Requests',
		name: 'maxConcurrentRequests',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 16 },
		default: 4,
		description:
			'How many page requests may be in flight at once for providers with page numbers or date windows. A rate limit reply (429) halves it for the rest of the run.',
		hint: 'Pages in flight at once (default 4); a 429 halves it for the rest of the run',
	},
	{
		displayName: 'Transport: Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 5,
		description:
			'How often a request is retried after a rate limit (429, honouring Retry-After), a server error (5xx) or a dropped connection',
		hint: 'Retries after 429 (honouring Retry-After), 5xx and dropped connections (default 5)',
	},
	{
		displayName: 'Transport: Requests Per Minute',
		name: 'requestsPerMinute',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: "Cap on requests per minute for the whole execution (all input items share it). 0 uses the provider's documented limit (none where none is documented; 2Chat reads your plan's limit).",
		hint: "0 = the provider's documented limit",
	},
	{
		displayName: 'Transport: Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description:
			'Longest time one request may take from connecting to the last byte of the reply; past it the try fails and is retried like a dropped connection',
		hint: 'Per request, connect to last byte (default 60); a timed-out try is retried',
	},
];

const transcriptFormat = {
	name: 'Transcript',
	value: 'transcript',
	description:
		'One item with the conversation as readable lines, oldest first, in the workflow time zone: for AI agents, summaries and CRM notes',
};

/** Output Format on the action nodes: Get Many also offers one transcript per contact. */
const actionOutputFormats: INodeProperties[] = [
	{
		...(sharedOptions.find((o) => o.name === 'outputFormat') as INodeProperties),
		options: [{ name: 'Messages', value: 'messages', description: 'One item per message, newest first' }, transcriptFormat],
		displayOptions: { show: { '/operation': ['getConversation'] } },
	},
	{
		...(sharedOptions.find((o) => o.name === 'outputFormat') as INodeProperties),
		options: [
			{ name: 'Messages', value: 'messages', description: 'One item per message, newest first' },
			transcriptFormat,
			{
				name: 'Transcript per Contact',
				value: 'transcriptPerContact',
				description:
					'One transcript item per contact, the contact with the newest message first: a note per customer in one node',
			},
		],
		hint: 'Transcript: one item with readable lines, oldest first. Transcript per Contact: one such item per contact — a CRM note per customer.',
		displayOptions: { show: { '/operation': ['getAll'] } },
	},
];

/** Media options do not apply to List Conversations (its items are conversations, not messages to download). */
const MEDIA_OPTIONS = ['binaryPropertyName', 'downloadMedia', 'maxMediaSize'];

/** The Options collection of an action node, each option where it applies. */
function actionOptions(spec: DescriptionSpec): INodeProperties[] {
	const options = optionsFor(spec.adapter.displayName).flatMap((o): INodeProperties[] => {
		if (o.name === 'outputFormat') return actionOutputFormats;
		if (o.name === 'includeRaw') return [{ ...o, hint: `${o.hint}; on List Conversations, on lastMessage` }];
		if (!MEDIA_OPTIONS.includes(o.name)) return [o];
		return [{ ...o, displayOptions: { ...o.displayOptions, hide: { '/operation': ['listConversations'] } } }];
	});
	return [...options, ...(spec.extraOptions ?? [])];
}

/** The Options collection for one provider: Download Media says how long that provider's links live. */
export function optionsFor(provider: string, names?: string[]): INodeProperties[] {
	return sharedOptions
		.filter((o) => !names || names.includes(o.name))
		.map((o) => (o.name === 'downloadMedia' ? { ...o, hint: downloadMediaHint(provider) } : o));
}

export const phoneHint = 'Your number with the country code, in any format: +972 50-123-4567, 972501234567, 00972501234567';
export const contactHint = "The contact's WhatsApp number with the country code, e.g. +972 50-987-6543 or 972509876543";

/** The contract's parameters for one provider's action node, with its own notes and extras. */
export function buildProperties(spec: DescriptionSpec): INodeProperties[] {
	const { adapter } = spec;
	const scanning = !adapter.fetchMessage;
	const optionalHints = spec.optionalHints ?? {};
	const notes: INodeProperties[] = OPERATIONS.filter((op) => spec.notes[op]).map((op) => {
		const note = spec.notes[op] as string | Note;
		const { text, show } = typeof note === 'string' ? { text: note, show: undefined } : note;
		return {
			displayName: text,
			name: `notice_${op}`,
			type: 'callout',
			default: '',
			displayOptions: { show: { operation: [op], ...(show ?? {}) } },
		};
	});
	const contactRequiredForGetAll = adapter.required.getAll.includes('filters.contactNumber');
	const getAllFilters: INodeProperties[] = [
		contactRequiredForGetAll
			? {
					...contactFilter,
					description: `${contactFilter.description}. Required: ${adapter.displayName} lists history one contact at a time.`,
					hint: `Required: ${adapter.displayName} lists history one contact at a time. ${contactHint}.`,
				}
			: { ...contactFilter, hint: `Optional: only this contact's messages. ${contactHint}.` },
		directionFilter,
		...dateFilters(spec),
	];

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
			optionalHints.businessNumber,
		),
		...perOperation(
			{
				displayName: 'Contact Number',
				name: 'contactNumber',
				type: 'string',
				default: '',
				placeholder: '+972 50-987-6543',
				description: 'The other party of the conversation',
				hint: contactHint,
			},
			opsWith(spec, 'contactNumber'),
			requiredIn(spec, 'contactNumber'),
			optionalHints.contactNumber,
		),
		{
			displayName: 'Message ID',
			name: 'messageId',
			type: 'string',
			required: true,
			default: '',
			placeholder: spec.examples?.messageId ?? '',
			description: "The provider's message ID, as in the items this node outputs",
			hint: 'The id of an item from Get Conversation or Get Many (drag it in from the input, or paste it)',
			displayOptions: { show: { operation: ['getMessage'] } },
		},
		...perOperation(
			{
				displayName: 'Session Key',
				name: 'sessionKey',
				type: 'string',
				default: '',
				placeholder: spec.examples?.sessionKey ?? '',
				description: 'The conversation the message belongs to (the "conversationId" field of the items this node outputs)',
				hint: `The conversationId of the same item (${adapter.displayName}'s session key)`,
			},
			opsWith(spec, 'sessionKey'),
			requiredIn(spec, 'sessionKey'),
			optionalHints.sessionKey,
		),
		...contactListProperty(spec),
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			hint: 'On: follows pagination to the last page. Off: stops after Limit messages.',
			displayOptions: { show: { operation: ['getConversation', 'getAll'] } },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			hint: 'The newest messages first; only the pages needed for them are read',
			displayOptions: { show: { operation: ['getConversation', 'getAll'], returnAll: [false] } },
		},
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			hint: 'On: every conversation in the window. Off: the Limit conversations with the newest activity.',
			displayOptions: { show: { operation: ['listConversations'] } },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			hint: 'Conversations, newest activity first. The whole window is read either way: the counts cover all of it.',
			displayOptions: { show: { operation: ['listConversations'], returnAll: [false] } },
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: { show: { operation: ['getConversation'] } },
			options: [directionFilter, ...dateFilters(spec)],
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			...(contactRequiredForGetAll
				? { description: `Contact Number is required here: ${adapter.displayName} lists history one contact at a time` }
				: {}),
			displayOptions: { show: { operation: ['getAll'] } },
			options: getAllFilters,
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			description: `The window the conversations are listed for; without dates, the last ${DEFAULT_WINDOW_DAYS} days`,
			displayOptions: { show: { operation: ['listConversations'] } },
			options: conversationFilters(spec),
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
			options: actionOptions(spec),
		},
	];
}

/**
 * Contact Numbers, where a provider lists history one contact at a time (DoubleTick): the contacts whose
 * conversations List Conversations reads. Shown only on the operations that need it.
 */
function contactListProperty(spec: DescriptionSpec): INodeProperties[] {
	const ops = requiredIn(spec, 'contactNumbers');
	if (!ops.length) return [];
	const provider = spec.adapter.displayName;
	const style = spec.adapter.pageStyle;
	const cost = style.kind === 'windows' ? `one ${provider} request per contact and ${style.days}-day window` : `one ${provider} read per contact`;
	return [
		{
			displayName: 'Contact Numbers',
			name: 'contactNumbers',
			type: 'string',
			required: true,
			default: '',
			placeholder: '+972 50-987-6543, +1 555 010 2030',
			description: `Comma-separated contacts whose conversations to list: ${provider} lists history one contact at a time, so the node reads each of them`,
			hint: `Comma-separated, each with the country code (as in the ${provider} Trigger); ${cost}`,
			displayOptions: { show: { operation: ops } },
		},
	];
}
