import { isoFromProviderTime } from '../shared/dates';
import { MEDIA_TYPES, media, messageType, num, outboundStatus, record, str, typeFromMime, withDirection } from '../shared/mapping';
import { normalizeProviderNumber } from '../shared/phone';
import type { Direction, ListQuery, MessageStatus, NormalizedMessage } from '../shared/types';

/** `messageMetadata.status` when it names a known state, else the delivery counters. */
function statusOf(raw: Record<string, unknown>): MessageStatus | null {
	const named = outboundStatus(record(raw.messageMetadata).status);
	if (named) return named;
	if ((num(raw.erroredCount) ?? 0) > 0) return 'failed';
	if ((num(raw.readCount) ?? 0) > 0) return 'read';
	if ((num(raw.deliveryCount) ?? 0) > 0) return 'delivered';
	if ((num(raw.sentCount) ?? 0) > 0) return 'sent';
	return null;
}

/**
 * `messageOriginType` CUSTOMER → inbound, anything else → outbound. Without it: the sender's phone number
 * (the contact's → inbound, the business's → outbound), else a sending agent (`senderUser.id`) → outbound,
 * else unknown (null).
 */
function directionOf(raw: Record<string, unknown>, sender: Record<string, unknown>, business: string | null, query: ListQuery): Direction | null {
	const origin = str(raw.messageOriginType);
	if (origin) return origin.toUpperCase() === 'CUSTOMER' ? 'inbound' : 'outbound';
	const phone = normalizeProviderNumber(sender.phoneNumber);
	if (phone && phone === query.contactNumber) return 'inbound';
	if (phone && phone === business) return 'outbound';
	if (str(sender.id)) return 'outbound';
	return null;
}

/**
 * DoubleTick chat messages: `messageOriginType` CUSTOMER → inbound, anything else (USER, SYSTEM, …) → outbound;
 * `messageTime` in epoch ms. Items do not carry the customer's number: it is the one the request named.
 */
export function toMessage(input: unknown, query: ListQuery): NormalizedMessage {
	const raw = record(input);
	const body = record(raw.message);
	const sender = record(raw.senderUser);
	const business = query.businessNumber ?? normalizeProviderNumber(raw.integrationWabaNumber);
	const direction = directionOf(raw, sender, business, query);
	const inbound = direction === 'inbound';
	const url = str(body.url ?? body.mediaUrl);
	const named = body.messageType ?? body.type;
	// A record without a type: its media file's kind, else text when it has text.
	const type = str(named) ? messageType(named) : url ? typeFromMime(body.mimeType ?? body.mimetype) : str(body.text) ? 'text' : 'unknown';
	const isMedia = MEDIA_TYPES.has(type) || !!url;
	const senderPhone = inbound ? normalizeProviderNumber(sender.phoneNumber) : null;
	const metadata = record(raw.messageMetadata);
	const errorMessage = str(metadata.error ?? metadata.errorMessage ?? metadata.failureReason);
	const hasLocation = body.latitude !== undefined || body.longitude !== undefined;
	return withDirection({
		id: str(raw.id),
		provider: 'doubletick',
		conversationId: null,
		// The contract has no unknown direction: a record that tells nothing is taken as the contact's.
		direction: direction ?? 'inbound',
		type,
		text: str(body.text) ?? str(body.caption),
		media: isMedia
			? media({
					url,
					mimeType: str(body.mimeType ?? body.mimetype),
					fileName: str(body.fileName ?? body.filename),
					caption: str(body.caption),
					size: num(body.fileSize ?? body.size),
				})
			: null,
		location: hasLocation
			? { latitude: num(body.latitude), longitude: num(body.longitude), name: str(body.name), address: str(body.address) }
			: null,
		timestamp: isoFromProviderTime(raw.messageTime),
		businessNumber: business,
		contactNumber: query.contactNumber ?? (senderPhone && senderPhone !== business ? senderPhone : ''),
		// Set only on items made from a webhook delivery, which names the contact (the history does not).
		contactName: str(raw.contactName),
		senderName: str(sender.name),
		status: inbound ? 'received' : direction === 'outbound' ? statusOf(raw) : null,
		error: errorMessage ? { code: null, message: errorMessage } : null,
	}, direction);
}
