import type { IDataObject } from 'n8n-workflow';

import { wallClock } from './dates';
import type { ListQuery, NormalizedMessage } from './types';

/** The contract's transcript item (`options.outputFormat` = `transcript`). */
export interface Transcript extends IDataObject {
	provider: string;
	businessNumber: string | null;
	contactNumber: string | null;
	contactName: string | null;
	messageCount: number;
	firstTimestamp: string | null;
	lastTimestamp: string | null;
	transcript: string;
}

export interface TranscriptSettings {
	provider: string;
	/** The read's own query: a contact there means every line is with that contact. */
	query: ListQuery;
	timeZone: string;
	/** Characters; 0 = no limit. */
	maxLength: number;
}

const LINE_BREAK = /\r\n|[\r\n\u2028\u2029]/g;
/** Continuation lines of a multi-line message are indented, so every message still starts on a dated line. */
const CONTINUATION = '\n    ';

/** `2024-04-03 02:02` in `timeZone`; `(no time)` for a message without a usable time. */
export function localTime(iso: string | null, timeZone: string): string {
	if (!iso) return '(no time)';
	const ms = Date.parse(iso);
	if (Number.isNaN(ms)) return '(no time)';
	const w = wallClock(ms, timeZone);
	const two = (n: number) => String(n).padStart(2, '0');
	return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}`;
}

function contactLabel(m: NormalizedMessage): string {
	const number = m.contactNumber || 'unknown contact';
	return m.contactName ? `${m.contactName} (${number})` : number;
}

/** Who spoke: the contact's name or number, or the business side's sender name or "Business". */
export function speaker(m: NormalizedMessage, oneContact: boolean): string {
	const business = m.senderName || 'Business';
	if (oneContact) return m.direction === 'inbound' ? m.contactName || m.contactNumber || 'Contact' : business;
	return m.direction === 'inbound' ? contactLabel(m) : `${business} to ${contactLabel(m)}`;
}

function locationNote(m: NormalizedMessage): string {
	const l = m.location;
	if (!l) return '[location]';
	const place = [l.name, l.address].filter(Boolean).join(', ');
	const at = l.latitude !== null && l.longitude !== null ? `${l.latitude}, ${l.longitude}` : '';
	const inside = [place, at && (place ? `(${at})` : at)].filter(Boolean).join(' ');
	return inside ? `[location: ${inside}]` : '[location]';
}

/** What a message says, as one piece of text: media and locations as a short bracketed note, then the text. */
export function messageBody(m: NormalizedMessage): string {
	const text = m.text ?? '';
	let note = '';
	if (m.type === 'location') note = locationNote(m);
	else if (m.media) note = m.media.fileName ? `[${m.type}: ${m.media.fileName}]` : `[${m.type}]`;
	else if (m.type !== 'text' && m.type !== 'unknown') note = `[${m.type}]`;
	let body = [note, text].filter(Boolean).join(' ');
	if (!body) body = m.type === 'unknown' ? '[unsupported message]' : '[no text]';
	if (m.status === 'failed') {
		const reason = m.error?.message ?? m.error?.code;
		body += reason ? ` (not delivered: ${reason})` : ' (not delivered)';
	}
	return body.replace(LINE_BREAK, CONTINUATION);
}

export function transcriptLine(m: NormalizedMessage, oneContact: boolean, timeZone: string): string {
	return `${localTime(m.timestamp, timeZone)} ${speaker(m, oneContact)}: ${messageBody(m)}`;
}

/**
 * Keeps the newest lines that fit in `maxLength` characters (the transcript's own line breaks counted) and
 * says in a first line how many older messages were left out. When not even the newest line fits, it is cut
 * at its end. `lines` are oldest first.
 */
export function fitToLength(lines: string[], maxLength: number): { lines: string[]; omitted: number } {
	const total = lines.reduce((sum, l) => sum + l.length, 0) + Math.max(0, lines.length - 1);
	if (maxLength <= 0 || total <= maxLength) return { lines, omitted: 0 };
	const kept: string[] = [];
	let length = 0;
	for (let i = lines.length - 1; i >= 0; i--) {
		const omitted = i;
		const notice = omissionNotice(omitted, maxLength);
		const next = length + lines[i].length + (kept.length ? 1 : 0);
		// Room for this line and, if older lines stay out, the notice line in front of everything.
		if (next + (omitted > 0 ? notice.length + 1 : 0) > maxLength) break;
		kept.unshift(lines[i]);
		length = next;
	}
	const omitted = lines.length - kept.length;
	if (kept.length === 0) {
		// Not even the newest line fits: its beginning is all there is room for.
		return { lines: [`${lines[lines.length - 1].slice(0, Math.max(0, maxLength - 1))}…`], omitted: lines.length - 1 };
	}
	return { lines: [omissionNotice(omitted, maxLength), ...kept], omitted };
}

function omissionNotice(omitted: number, maxLength: number): string {
	return `[${omitted} earlier message${omitted === 1 ? '' : 's'} left out to stay within ${maxLength} characters]`;
}

/** A contact named on any message is named on all of theirs (providers often name only the inbound ones). */
export function knownNames(messages: NormalizedMessage[]): NormalizedMessage[] {
	const names = new Map<string, string>();
	for (const m of messages) if (m.contactName && m.contactNumber && !names.has(m.contactNumber)) names.set(m.contactNumber, m.contactName);
	return messages.map((m) => (m.contactName || !names.has(m.contactNumber) ? m : { ...m, contactName: names.get(m.contactNumber) ?? null }));
}

function firstOf(messages: NormalizedMessage[], pick: (m: NormalizedMessage) => string | null): string | null {
	for (const m of messages) {
		const v = pick(m);
		if (v) return v;
	}
	return null;
}

/**
 * One transcript item from the messages a list read returned (newest first, as the action nodes emit them):
 * the lines run oldest first.
 */
export function buildTranscript(newestFirst: NormalizedMessage[], settings: TranscriptSettings): Transcript {
	const oldestFirst = knownNames([...newestFirst].reverse());
	const oneContact = Boolean(settings.query.contactNumber);
	const all = oldestFirst.map((m) => transcriptLine(m, oneContact, settings.timeZone));
	const { lines, omitted } = fitToLength(all, settings.maxLength);
	const shown = oldestFirst.slice(Math.min(omitted, oldestFirst.length));
	const times = shown.map((m) => m.timestamp).filter((t): t is string => Boolean(t) && !Number.isNaN(Date.parse(t as string)));
	times.sort((a, b) => Date.parse(a) - Date.parse(b));
	return {
		provider: settings.provider,
		businessNumber: settings.query.businessNumber ?? firstOf(newestFirst, (m) => m.businessNumber),
		contactNumber: oneContact ? (settings.query.contactNumber as string) : null,
		contactName: oneContact ? firstOf(newestFirst, (m) => m.contactName) : null,
		messageCount: shown.length,
		firstTimestamp: times[0] ?? null,
		lastTimestamp: times[times.length - 1] ?? null,
		transcript: lines.join('\n'),
	};
}
