import { isoFromProviderTime } from '../shared/dates';
import { media, messageType, num, record, str, typeFromMime, withDirection } from '../shared/mapping';
import { normalizeProviderNumber } from '../shared/phone';
import type { Direction, ListQuery, MessageStatus, NormalizedMessage } from '../shared/types';

const ACK: Record<number, MessageStatus> = { 0: 'queued', 1: 'sent', 2: 'delivered', 3: 'read' };

function outboundStatus(raw: Record<string, unknown>): MessageStatus | null {
	const ack = num(raw.wa_msg_ack);
	if (ack !== null && ACK[ack]) return ACK[ack];
	if (raw.read === true) return 'read';
	if (raw.received === true) return 'delivered';
	if (raw.sent === true) return 'sent';
	return null;
}

/** `is_from_chatter` (single messages), else `sent_by` (list items: `user` = the contact); null when neither is there. */
function directionOf(raw: Record<string, unknown>): Direction | null {
	if (typeof raw.is_from_chatter === 'boolean') return raw.is_from_chatter ? 'inbound' : 'outbound';
	const sentBy = str(raw.sent_by);
	if (sentBy) return sentBy.toLowerCase() === 'user' ? 'inbound' : 'outbound';
	return null;
}

/**
 * 2Chat list items (`timestamp`, float seconds) and single messages (`created_at`, ISO) → normalized. A list
 * item whose `timestamp` is null or unreadable falls back to its `created_at`.
 */
export function toMessage(input: unknown, query: ListQuery): NormalizedMessage {
	const raw = record(input);
	const payload = record(raw.message);
	const file = record(payload.media);
	const hasMedia = Object.keys(file).length > 0;
	// Inbound when the remote party sent it: `is_from_chatter` on single messages, `sent_by: user` on list items.
	const direction = directionOf(raw);
	const inbound = direction === 'inbound';
	const sessionKey = str(raw.session_key);
	// WhatsApp Web `WW-WPN…-<digits>@c.us`, WABA `WA-WAN…-<digits>` (no suffix).
	const fromSession = sessionKey ? /-(\d{7,15})(?:@c\.us)?$/.exec(sessionKey)?.[1] : undefined;
	const location = record(payload.location);
	const contact = record(raw.contact);
	const contactName = [contact.first_name, contact.last_name].filter((x) => typeof x === 'string' && x).join(' ');
	const text = str(payload.text) ?? str(file.caption) ?? str(payload.caption);
	const business = normalizeProviderNumber(raw.channel_phone_number) ?? query.businessNumber ?? null;
	const remote =
		normalizeProviderNumber(raw.remote_phone_number) ?? (fromSession ? `+${fromSession}` : undefined) ?? query.contactNumber ?? null;
	return withDirection({
		id: str(raw.uuid) ?? str(raw.id),
		provider: '2chat',
		conversationId: sessionKey,
		// The contract has no unknown direction: a record that tells nothing is taken as the contact's.
		direction: direction ?? 'inbound',
		type: hasMedia
			? (str(file.type) ? messageType(file.type) : typeFromMime(file.mime_type))
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
		timestamp: isoFromProviderTime(raw.timestamp) ?? isoFromProviderTime(raw.created_at),
		businessNumber: business,
		contactNumber: remote && remote !== business ? remote : '',
		contactName: contactName || null,
		senderName: null,
		status: inbound ? 'received' : direction === 'outbound' ? outboundStatus(raw) : null,
		error: null,
	}, direction);
}
