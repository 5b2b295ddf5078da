import type { IExecuteFunctions, IHookFunctions, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';

export type ProviderId = 'doubletick' | '2chat' | 'chirp' | '99digital';
export type Direction = 'inbound' | 'outbound';
export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';
export type MessageType =
	| 'text'
	| 'image'
	| 'video'
	| 'audio'
	| 'voice'
	| 'document'
	| 'sticker'
	| 'location'
	| 'contacts'
	| 'reaction'
	| 'template'
	| 'interactive'
	| 'button'
	| 'order'
	| 'system'
	| 'unknown';

export interface MessageMedia {
	url: string | null;
	mimeType: string | null;
	fileName: string | null;
	caption: string | null;
	size: number | null;
	error?: string;
}

export interface MessageLocation {
	latitude: number | null;
	longitude: number | null;
	name: string | null;
	address: string | null;
}

/** The one item shape every node emits (see the contract's "normalized message item"). */
export interface NormalizedMessage {
	/** null only when the provider's record has none (still output, never merged with another). */
	id: string | null;
	provider: ProviderId;
	conversationId: string | null;
	/** Inferred from the numbers when the record does not state it; `inbound` when nothing tells (the contract has no unknown). */
	direction: Direction;
	type: MessageType;
	text: string | null;
	media: MessageMedia | null;
	location: MessageLocation | null;
	/** null only when the record has no usable time (never an invented date). */
	timestamp: string | null;
	businessNumber: string | null;
	/** Empty when the record does not name the other party (never the business number). */
	contactNumber: string;
	contactName: string | null;
	senderName: string | null;
	status: MessageStatus | null;
	error: { code: string | null; message: string | null } | null;
	raw?: unknown;
}

/** What the user asked for, already validated: numbers in E.164, dates in epoch ms (inclusive). */
export interface ListQuery {
	businessNumber?: string;
	contactNumber?: string;
	startMs?: number;
	endMs?: number;
	direction?: Direction;
}

export interface MessageLookup {
	messageId: string;
	businessNumber?: string;
	contactNumber?: string;
	sessionKey?: string;
}

/** Every context the shared code runs in: action nodes, polls, webhook registration hooks and deliveries. */
export type HostContext = IExecuteFunctions | IPollFunctions | IHookFunctions | IWebhookFunctions;

/** The contexts without input items, whose getNodeParameter takes no item index. */
export type TriggerContext = IPollFunctions | IHookFunctions | IWebhookFunctions;
