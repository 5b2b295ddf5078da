import { millisOf } from './dates';
import type { Direction, MessageMedia, MessageStatus, MessageType, NormalizedMessage } from './types';

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

/** The type a media file's MIME type names, for records that do not say their type. */
export function typeFromMime(mimeType: unknown): MessageType {
	const kind = String(mimeType ?? '').split('/')[0].toLowerCase();
	if (kind === 'image' || kind === 'video' || kind === 'audio') return kind;
	return kind ? 'document' : 'unknown';
}

/**
 * The direction a record does not state, from its two numbers: sent from the business number → outbound,
 * sent to it → inbound; null when the numbers do not tell (never a guess).
 */
export function directionFromNumbers(from: string | null, to: string | null, business: string | null | undefined): Direction | null {
	if (!business) return null;
	if (from === business && to !== business) return 'outbound';
	if (to === business && from !== business) return 'inbound';
	return null;
}

/** Messages whose record does not tell their direction (the item says `inbound`: the item shape has no unknown). */
const directionUnknown = new WeakSet<NormalizedMessage>();

/**
 * The message as mapped, noting out of band (nothing is added to the item) when `direction` is null: the record and
 * its numbers do not tell it. Such a message goes to triggers with Event = Any only.
 */
export function withDirection(m: NormalizedMessage, direction: Direction | null): NormalizedMessage {
	if (direction === null) directionUnknown.add(m);
	return m;
}

/** Whether the message's direction comes from its record (stated or inferred from the numbers), not a default. */
export function directionKnown(m: NormalizedMessage): boolean {
	return !directionUnknown.has(m);
}

/**
 * The contact of a message: the other party of the given direction (inbound → the sender, outbound → the
 * recipient), or, when the direction is unknown, whichever number is not the business's. Never the business
 * number itself.
 */
export function contactFromNumbers(
	direction: Direction | null,
	from: string | null,
	to: string | null,
	business: string | null | undefined,
): string | null {
	const candidate = direction === 'inbound' ? from : direction === 'outbound' ? to : from && from !== business ? from : to;
	return candidate && candidate !== business ? candidate : null;
}

/**
 * What tells a record without an id apart from others: its normalized content without the parts that change
 * while a message ages (status, error, a media link that may be re-signed) and without the provider's raw
 * object (which may carry per-reply counters such as DoubleTick's `totalCount`). Never used to merge or drop
 * one message of a page; only to recognise a record seen before (a repeated page, a window's overlap, a
 * trigger's boundary).
 */
export function contentKey(m: NormalizedMessage): string {
	const text = JSON.stringify([
		m.provider,
		m.conversationId,
		m.direction,
		m.type,
		m.text,
		m.media ? [m.media.mimeType, m.media.fileName, m.media.caption, m.media.size] : null,
		m.location,
		m.timestamp,
		m.businessNumber,
		m.contactNumber,
		m.contactName,
		m.senderName,
	]);
	// FNV-1a in two 32-bit lanes: a short key, no runtime dependency.
	let a = 0x811c9dc5;
	let b = 0x9747b28c;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		a = Math.imul(a ^ c, 0x01000193);
		b = Math.imul(b ^ c, 0x5bd1e995);
	}
	return `record:${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}.${text.length}`;
}

/** A delivered message and a history record this close in time (same contact, direction, type, text): one message. */
export const SAME_MESSAGE_MS = 5_000;

/** What recognises one message across a delivery and the history when their ids differ: contact, direction, type, text. */
export function fingerprint(m: NormalizedMessage): string {
	return contentKey({ ...m, id: null, conversationId: null, timestamp: null, businessNumber: null, contactName: null, senderName: null, media: null, location: null });
}

/**
 * A delivered copy and a history copy of one message: the same object or the same provider id; where the provider's
 * delivery id may not be its history id (DoubleTick), also the same fingerprint within SAME_MESSAGE_MS. Only for
 * comparing a delivery with the history: two history records are never merged.
 */
export function sameMessage(a: NormalizedMessage, b: NormalizedMessage, idMayDiffer = false): boolean {
	if (a === b || (a.id !== null && a.id === b.id)) return true;
	if (!idMayDiffer) return false;
	const ta = millisOf(a.timestamp);
	const tb = millisOf(b.timestamp);
	return ta !== null && tb !== null && Math.abs(ta - tb) <= SAME_MESSAGE_MS && fingerprint(a) === fingerprint(b);
}

/** A message's key where ids decide what is new: its id, or for a record without one, its content. */
export function messageKey(m: NormalizedMessage): string {
	return m.id ?? contentKey(m);
}

/**
 * Triggers re-read this much before their stored point: a message that reaches the provider's history late (a phone
 * that was offline, a provider that stores late) with a time up to this much older than the newest one seen is still
 * found. Ids decide what is new.
 */
export const OVERLAP_MS = 10 * 60_000;
