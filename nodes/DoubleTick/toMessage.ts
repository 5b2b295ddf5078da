import { isoFromMillis } from '../shared/dates';
import { MEDIA_TYPES, media, messageType, num, outboundStatus, record, str } from '../shared/mapping';
import { normalizeProviderNumber } from '../shared/phone';
import type { ListQuery, MessageStatus, NormalizedMessage } from '../shared/types';

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
 * DoubleTick chat messages: `messageOriginType` CUSTOMER → inbound, anything else (USER, SYSTEM, …) → outbound;
 * `messageTime` in epoch ms. Items do not carry the customer's number: it is the one the request named.
 */
export function toMessage(input: unknown, query: ListQuery): NormalizedMessage {
	const raw = record(input);
	const body = record(raw.message);
	const inbound = String(raw.messageOriginType ?? '').toUpperCase() === 'CUSTOMER';
	const type = messageType(body.messageType ?? body.type);
	const isMedia = MEDIA_TYPES.has(type) || !!str(body.url ?? body.mediaUrl);
	const sender = record(raw.senderUser);
	const metadata = record(raw.messageMetadata);
	const errorMessage = str(metadata.error ?? metadata.errorMessage ?? metadata.failureReason);
	const hasLocation = body.latitude !== undefined || body.longitude !== undefined;
	return {
		id: String(raw.id ?? ''),
		provider: 'doubletick',
		conversationId: null,
		direction: inbound ? 'inbound' : 'outbound',
		type,
		text: str(body.text) ?? str(body.caption),
		media: isMedia
			? media({
					url: str(body.url ?? body.mediaUrl),
					mimeType: str(body.mimeType ?? body.mimetype),
					fileName: str(body.fileName ?? body.filename),
					caption: str(body.caption),
					size: num(body.fileSize ?? body.size),
				})
			: null,
		location: hasLocation
			? { latitude: num(body.latitude), longitude: num(body.longitude), name: str(body.name), address: str(body.address) }
			: null,
		timestamp: isoFromMillis(raw.messageTime) ?? new Date(0).toISOString(),
		businessNumber: query.businessNumber ?? normalizeProviderNumber(raw.integrationWabaNumber),
		contactNumber: query.contactNumber ?? (inbound ? normalizeProviderNumber(sender.phoneNumber) : null) ?? '',
		contactName: null,
		senderName: str(sender.name),
		status: inbound ? 'received' : statusOf(raw),
		error: errorMessage ? { code: null, message: errorMessage } : null,
	};
}
