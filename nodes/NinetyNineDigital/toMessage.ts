import { isoFromProviderTime } from '../shared/dates';
import { MEDIA_TYPES, contactFromNumbers, directionFromNumbers, media, messageType, num, record, str, withDirection } from '../shared/mapping';
import { fileType } from '../shared/fileType';
import { normalizeProviderNumber } from '../shared/phone';
import type { Direction, ListQuery, MessageLocation, NormalizedMessage } from '../shared/types';

/** `message` of a location is "lat,lng". */
function location(text: string | null): MessageLocation | null {
	const m = text ? /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text) : null;
	return m ? { latitude: Number(m[1]), longitude: Number(m[2]), name: null, address: null } : null;
}

/**
 * 99digital getHistory items: direction "1" inbound (contact = from) / "2" outbound (contact = to),
 * timestamp in epoch seconds as a string, media messages carry their link in `message`.
 * Outbound `state` values are undocumented beyond 0 = failed, so other states give status null.
 * A record without a usable `direction` gets it from `from`/`to` compared with the business number (else null);
 * the contact is never the business number.
 */
export function toMessage(input: unknown, query: ListQuery): NormalizedMessage {
	const raw = record(input);
	const from = normalizeProviderNumber(raw.from);
	const to = normalizeProviderNumber(raw.to);
	const stated = String(raw.direction ?? '').trim();
	const direction: Direction | null =
		stated === '1' ? 'inbound' : stated === '2' ? 'outbound' : directionFromNumbers(from, to, query.businessNumber);
	const inbound = direction === 'inbound';
	const business = (inbound ? to : direction === 'outbound' ? from : null) ?? query.businessNumber ?? null;
	const body = str(raw.message);
	// `file` is any outbound file: its link's extension or MIME type tells an image from a document.
	const type = str(raw.type) ? (String(raw.type) === 'file' ? fileType(body ?? '') : messageType(raw.type)) : body ? 'text' : 'unknown';
	const isMedia = MEDIA_TYPES.has(type);
	const reason = str(raw.reason);
	const state = num(raw.state);
	return withDirection({
		id: str(raw.unique),
		provider: '99digital',
		conversationId: null,
		// The contract has no unknown direction: a record that tells nothing is taken as the contact's.
		direction: direction ?? 'inbound',
		type,
		text: isMedia || type === 'location' ? null : body,
		media: isMedia ? media({ url: body }) : null,
		location: type === 'location' ? location(body) : null,
		timestamp: isoFromProviderTime(raw.timestamp),
		businessNumber: business,
		contactNumber: contactFromNumbers(direction, from, to, business) ?? (query.contactNumber !== business ? query.contactNumber : undefined) ?? '',
		contactName: null,
		senderName: null,
		status: inbound ? 'received' : direction === 'outbound' && state === 0 ? 'failed' : null,
		error: reason ? { code: null, message: reason } : null,
	}, direction);
}
