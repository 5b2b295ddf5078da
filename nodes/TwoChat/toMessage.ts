import { isoFromSeconds, isoFromString } from '../shared/dates';
import { media, messageType, num, record, str } from '../shared/mapping';
import { normalizeProviderNumber } from '../shared/phone';
import type { ListQuery, MessageStatus, NormalizedMessage } from '../shared/types';

const ACK: Record<number, MessageStatus> = { 0: 'queued', 1: 'sent', 2: 'delivered', 3: 'read' };

function outboundStatus(raw: Record<string, unknown>): MessageStatus | null {
	const ack = num(raw.wa_msg_ack);
	if (ack !== null && ACK[ack]) return ACK[ack];
	if (raw.read === true) return 'read';
	if (raw.received === true) return 'delivered';
	if (raw.sent === true) return 'sent';
	return null;
}

/** 2Chat list items (`timestamp`, float seconds) and single messages (`created_at`, ISO) → normalized. */
export function toMessage(input: unknown, query: ListQuery): NormalizedMessage {
	const raw = record(input);
	const payload = record(raw.message);
	const file = record(payload.media);
	const hasMedia = Object.keys(file).length > 0;
	// Inbound when the remote party sent it: `is_from_chatter` on single messages, `sent_by: user` on list items.
	const inbound = typeof raw.is_from_chatter === 'boolean' ? raw.is_from_chatter : raw.sent_by === 'user';
	const sessionKey = str(raw.session_key);
	const fromSession = sessionKey ? /-(\d{7,15})@c\.us$/.exec(sessionKey)?.[1] : undefined;
	const location = record(payload.location);
	const contact = record(raw.contact);
	const contactName = [contact.first_name, contact.last_name].filter((x) => typeof x === 'string' && x).join(' ');
	const text = str(payload.text) ?? str(file.caption) ?? str(payload.caption);
	return {
		id: String(raw.uuid ?? raw.id ?? ''),
		provider: '2chat',
		conversationId: sessionKey,
		direction: inbound ? 'inbound' : 'outbound',
		type: hasMedia
			? messageType(file.type ?? String(file.mime_type ?? '').split('/')[0])
			: payload.order
				? 'order'
				: Object.keys(location).length
					? 'location'
					: 'text',
		text,
		media: hasMedia
			? media({ url: str(file.url), mimeType: str(file.mime_type), fileName: str(file.file_name ?? file.filename), caption: str(file.caption), size: num(file.size) })
			: null,
		location: Object.keys(location).length
			? { latitude: num(location.latitude), longitude: num(location.longitude), name: str(location.name), address: str(location.address) }
			: null,
		timestamp: (raw.timestamp !== undefined ? isoFromSeconds(raw.timestamp) : isoFromString(raw.created_at)) ?? new Date(0).toISOString(),
		businessNumber: normalizeProviderNumber(raw.channel_phone_number) ?? query.businessNumber ?? null,
		contactNumber:
			normalizeProviderNumber(raw.remote_phone_number) ?? (fromSession ? `+${fromSession}` : undefined) ?? query.contactNumber ?? '',
		contactName: contactName || null,
		senderName: null,
		status: inbound ? 'received' : outboundStatus(raw),
		error: null,
	};
}
