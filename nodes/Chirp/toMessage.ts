import { isoFromString } from '../shared/dates';
import { MEDIA_TYPES, media, messageType, num, record, str } from '../shared/mapping';
import { normalizeProviderNumber } from '../shared/phone';
import type { ListQuery, MessageStatus, NormalizedMessage } from '../shared/types';

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
	const inbound = String(raw.direction ?? '').toLowerCase() === 'inbound';
	let type = messageType(raw.type);
	if (type === 'audio' && raw.isVoiceNote === true) type = 'voice';
	const from = normalizeProviderNumber(raw.fromPhoneNumber);
	const to = normalizeProviderNumber(raw.toPhoneNumber);
	const hasMedia = MEDIA_TYPES.has(type) || !!str(raw.mediaUrl);
	const hasLocation = str(raw.locationLatitude) !== null || str(raw.locationLongitude) !== null;
	const errorCode = str(raw.errorCode);
	const errorMessage = str(raw.errorMessage) ?? str(raw.errorTitle) ?? str(raw.errorDetails);
	return {
		id: String(raw.id ?? ''),
		provider: 'chirp',
		conversationId: str(record(raw.conversationWindow).id),
		direction: inbound ? 'inbound' : 'outbound',
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
		timestamp: isoFromString(raw.createdAt) ?? new Date(0).toISOString(),
		businessNumber: normalizeProviderNumber(raw.displayPhoneNumber) ?? (inbound ? to : from) ?? query.businessNumber ?? null,
		contactNumber: (inbound ? from : to) ?? query.contactNumber ?? '',
		contactName: str(raw.contactName),
		senderName: inbound ? str(raw.contactName) : null,
		status: inbound ? 'received' : outboundStatus(raw),
		error: errorCode || errorMessage ? { code: errorCode, message: errorMessage } : null,
	};
}
