import { isoFromProviderTime } from '../shared/dates';
import { MEDIA_TYPES, contactFromNumbers, directionFromNumbers, media, messageType, num, record, str, typeFromMime, withDirection } from '../shared/mapping';
import { normalizeProviderNumber } from '../shared/phone';
import type { Direction, ListQuery, MessageStatus, NormalizedMessage } from '../shared/types';

const PROGRESS: Array<[string, MessageStatus]> = [
	['queuedAt', 'queued'],
	['sentAt', 'sent'],
	['deliveredAt', 'delivered'],
	['readAt', 'read'],
];

/** The latest of queuedAt/sentAt/deliveredAt/readAt; failedAt wins. */
function outboundStatus(raw: Record<string, unknown>): MessageStatus | null {
	if (str(raw.failedAt)) return 'failed';
	let best: { at: number; status: MessageStatus } | undefined;
	PROGRESS.forEach(([field, status], rank) => {
		const at = Date.parse(String(raw[field] ?? ''));
		if (Number.isNaN(at)) return;
		// Equal times: the later stage wins.
		if (!best || at > best.at || (at === best.at && rank >= PROGRESS.findIndex((p) => p[1] === best?.status))) best = { at, status };
	});
	return best?.status ?? null;
}

/** Chirp's message object (documented for the single read; the list is taken to hold the same objects). */
export function toMessage(input: unknown, query: ListQuery): NormalizedMessage {
	const raw = record(input);
	const from = normalizeProviderNumber(raw.fromPhoneNumber);
	const to = normalizeProviderNumber(raw.toPhoneNumber);
	const stated = String(raw.direction ?? '').toLowerCase();
	const display = normalizeProviderNumber(raw.displayPhoneNumber);
	// Without `direction`: the numbers tell it when one of them is the business's.
	const direction: Direction | null =
		stated === 'inbound' || stated === 'outbound' ? stated : directionFromNumbers(from, to, display ?? query.businessNumber);
	const inbound = direction === 'inbound';
	const business = display ?? (inbound ? to : direction === 'outbound' ? from : null) ?? query.businessNumber ?? null;
	let type = str(raw.type) ? messageType(raw.type) : str(raw.mediaUrl) ? typeFromMime(raw.mediaMimeType) : str(raw.textBody) ? 'text' : 'unknown';
	if (type === 'audio' && raw.isVoiceNote === true) type = 'voice';
	const hasMedia = MEDIA_TYPES.has(type) || !!str(raw.mediaUrl);
	const hasLocation = str(raw.locationLatitude) !== null || str(raw.locationLongitude) !== null;
	const errorCode = str(raw.errorCode);
	const errorMessage = str(raw.errorMessage) ?? str(raw.errorTitle) ?? str(raw.errorDetails);
	return withDirection({
		id: str(raw.id),
		provider: 'chirp',
		conversationId: str(record(raw.conversationWindow).id),
		// The contract has no unknown direction: a record that tells nothing is taken as the contact's.
		direction: direction ?? 'inbound',
		type,
		text: str(raw.textBody) ?? str(raw.mediaCaption),
		media: hasMedia
			? media({
					url: str(raw.mediaUrl),
					mimeType: str(raw.mediaMimeType),
					fileName: str(raw.mediaFilename),
					caption: str(raw.mediaCaption),
					size: num(raw.mediaFileSize),
				})
			: null,
		location: hasLocation
			? {
					latitude: num(raw.locationLatitude),
					longitude: num(raw.locationLongitude),
					name: str(raw.locationName),
					address: str(raw.locationAddress),
				}
			: null,
		timestamp: isoFromProviderTime(raw.createdAt),
		businessNumber: business,
		contactNumber: contactFromNumbers(direction, from, to, business) ?? (query.contactNumber !== business ? query.contactNumber : undefined) ?? '',
		contactName: str(raw.contactName),
		senderName: inbound ? str(raw.contactName) : null,
		status: inbound ? 'received' : direction === 'outbound' ? outboundStatus(raw) : null,
		error: errorCode || errorMessage ? { code: errorCode, message: errorMessage } : null,
	}, direction);
}
