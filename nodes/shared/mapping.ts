import type { MessageMedia, MessageStatus, MessageType } from './types';

const TYPES = new Set<MessageType>([
	'text',
	'image',
	'video',
	'audio',
	'voice',
	'document',
	'sticker',
	'location',
	'contacts',
	'reaction',
	'template',
	'interactive',
	'button',
	'order',
	'system',
	'unknown',
]);

const ALIASES: Record<string, MessageType> = {
	chat: 'text',
	ptt: 'voice',
	file: 'document',
	contact: 'contacts',
	vcard: 'contacts',
	list: 'interactive',
	buttons: 'interactive',
	button_reply: 'button',
	list_reply: 'interactive',
};

/** A provider's type name → one of the contract's types ("unknown" when it is none of them). */
export function messageType(value: unknown): MessageType {
	const name = String(value ?? '').trim().toLowerCase();
	if (TYPES.has(name as MessageType)) return name as MessageType;
	return ALIASES[name] ?? 'unknown';
}

export const MEDIA_TYPES = new Set<MessageType>(['image', 'video', 'audio', 'voice', 'document', 'sticker']);

const STATUSES = new Set<MessageStatus>(['queued', 'sent', 'delivered', 'read', 'failed']);

export function outboundStatus(value: unknown): MessageStatus | null {
	const name = String(value ?? '').trim().toLowerCase();
	return STATUSES.has(name as MessageStatus) ? (name as MessageStatus) : null;
}

export function str(value: unknown): string | null {
	return value === undefined || value === null || value === '' ? null : String(value);
}

export function num(value: unknown): number | null {
	if (value === undefined || value === null || value === '') return null;
	const n = Number(value);
	return Number.isFinite(n) ? n : null;
}

export function media(fields: Partial<MessageMedia>): MessageMedia {
	return {
		url: fields.url ?? null,
		mimeType: fields.mimeType ?? null,
		fileName: fields.fileName ?? null,
		caption: fields.caption ?? null,
		size: fields.size ?? null,
	};
}

export function record(value: unknown): Record<string, unknown> {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
