import { conversationKey, newestActivityFirst } from './conversations';
import { millisOf } from './dates';
import { buildTranscript } from './transcript';
import type { Transcript, TranscriptSettings } from './transcript';
import type { NormalizedMessage } from './types';

interface ContactMessages {
	businessNumber: string | null;
	contactNumber: string;
	seen: number;
	lastMs: number | null;
	/** Newest first, as the read returned them. */
	messages: NormalizedMessage[];
}

/** A read's messages (newest first) split by conversation, each keeping the read's order. */
export function groupByContact(newestFirst: NormalizedMessage[], businessNumber?: string): ContactMessages[] {
	const groups = new Map<string, ContactMessages>();
	for (const m of newestFirst) {
		const business = m.businessNumber ?? businessNumber ?? null;
		const key = conversationKey({ businessNumber: business, contactNumber: m.contactNumber });
		let group = groups.get(key);
		if (!group) {
			group = { businessNumber: business, contactNumber: m.contactNumber, seen: groups.size, lastMs: null, messages: [] };
			groups.set(key, group);
		}
		const ms = millisOf(m.timestamp);
		if (ms !== null && (group.lastMs === null || ms > group.lastMs)) group.lastMs = ms;
		group.messages.push(m);
	}
	return [...groups.values()].sort(newestActivityFirst);
}

/**
 * Output Format "Transcript per Contact" (Get Many): the read's messages as one transcript item per contact,
 * the contact with the newest message first. Each is the contract's transcript item for that contact alone (its
 * `contactNumber` and `contactName` set, lines naming the contact as Get Conversation's transcript does); Max
 * Transcript Length applies to each. No messages → no items.
 */
export function buildTranscriptsPerContact(newestFirst: NormalizedMessage[], settings: TranscriptSettings): Transcript[] {
	return groupByContact(newestFirst, settings.query.businessNumber).map((group) =>
		buildTranscript(group.messages, {
			...settings,
			query: {
				...settings.query,
				businessNumber: settings.query.businessNumber ?? group.businessNumber ?? undefined,
				// A record that names no contact has an empty contact: its transcript is not for one contact.
				contactNumber: group.contactNumber || undefined,
			},
		}),
	);
}
