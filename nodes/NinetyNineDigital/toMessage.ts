import { isoFromSeconds } from '../shared/dates';
import { MEDIA_TYPES, media, messageType, num, record, str } from '../shared/mapping';
import { normalizeProviderNumber } from '../shared/phone';
import type { ListQuery, MessageLocation, NormalizedMessage } from '../shared/types';

/** `message` of a location is "lat,lng". */
function location(text: string | null): MessageLocation | null {
	const m = text ? /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text) : null;
	return m ? { latitude: Number(m[1]), longitude: Number(m[2]), name: null, address: null } : null;
}

/**
 * 99digital getHistory items: direction "1" inbound (contact = from) / "2" outbound (contact = to),
 * timestamp in epoch seconds as a string, media messages carry their link in `message`.
 * Outbound `state` values are undocumented beyond 0 = failed, so other states give status null.
 */
export function toMessage(input: unknown, query: ListQuery): NormalizedMessage {
	const raw = record(input);
	const inbound = String(raw.direction) === '1';
	const type = messageType(raw.type);
	const body = str(raw.message);
	const isMedia = MEDIA_TYPES.has(type);
	const reason = str(raw.reason);
	const state = num(raw.state);
	return {
		id: String(raw.unique ?? ''),
		provider: '99digital',
		conversationId: null,
		direction: inbound ? 'inbound' : 'outbound',
		type,
		text: isMedia || type === 'location' ? null : body,
		media: isMedia ? media({ url: body }) : null,
		location: type === 'location' ? location(body) : null,
		timestamp: isoFromSeconds(raw.timestamp) ?? new Date(0).toISOString(),
		businessNumber: normalizeProviderNumber(inbound ? raw.to : raw.from) ?? query.businessNumber ?? null,
		contactNumber: normalizeProviderNumber(inbound ? raw.from : raw.to) ?? query.contactNumber ?? '',
		contactName: null,
		senderName: null,
		status: inbound ? 'received' : state === 0 ? 'failed' : null,
		error: reason ? { code: null, message: reason } : null,
	};
}
