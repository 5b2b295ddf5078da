import { randomBytes } from 'crypto';
import type { IWebhookFunctions } from 'n8n-workflow';

import { millisOf } from '../dates';
import type { NormalizedMessage } from '../types';
import type { InstantState, WebhookAdapter } from './types';

/**
 * This n8n process. A delivery handled by another process than the last one marks the trigger as resumed, so a
 * restart is noticed even where n8n does not call `checkExists` at start (n8n 2.40 keeps published webhooks).
 */
export const PROCESS = randomBytes(6).toString('hex');

const MAX_RECENT = 1000;
const MAX_CONTACTS = 50;

/** An ISO time we stored ourselves, in ms; -Infinity when it is missing or unreadable. */
export function at(iso: string | undefined): number {
	return millisOf(iso) ?? Number.NEGATIVE_INFINITY;
}

/** Oldest first; equal times keep their order. */
export function byTimeThenOrder(list: NormalizedMessage[]): NormalizedMessage[] {
	return list
		// A message without a usable time is taken as the newest (it was just delivered or just read).
		.map((m, i) => ({ m, i, t: millisOf(m.timestamp) ?? Number.POSITIVE_INFINITY }))
		.sort((a, b) => (a.t === b.t ? a.i - b.i : a.t < b.t ? -1 : 1))
		.map((x) => x.m);
}

/** Per n8n process: what concurrent requests of one trigger registration share. */
export interface ProcessMemory {
	ids: string[];
	idSet: Set<string>;
	cursorMs: number;
	checkedAt?: string;
	/** Catch-ups running now, by cause; causes already handled. */
	claims: Map<string, Promise<void>>;
	handled: Set<string>;
}
const memories = new Map<string, ProcessMemory>();
const MAX_MEMORIES = 500;

export function memoryOf(ctx: IWebhookFunctions, secret: string): ProcessMemory {
	const key = `${ctx.getWorkflow().id ?? ''}/${ctx.getNode().id}/${secret}`;
	let mem = memories.get(key);
	if (!mem) {
		mem = { ids: [], idSet: new Set(), cursorMs: -Infinity, claims: new Map(), handled: new Set() };
		memories.set(key, mem);
		if (memories.size > MAX_MEMORIES) memories.delete(memories.keys().next().value as string);
	}
	return mem;
}

/**
 * Records messages as seen, in this process's memory and in the static data this request saves: their ids (no second
 * execution), the cursor (unless told not to), the contacts, and what concurrent requests of this process recorded
 * (the last request to save wins in n8n, so each one carries everything).
 */
export function remember(s: InstantState, mem: ProcessMemory, messages: NormalizedMessage[], wa: WebhookAdapter, moveCursor = true): void {
	for (const m of byTimeThenOrder(messages)) {
		if (m.id === null || mem.idSet.has(m.id)) continue;
		mem.idSet.add(m.id);
		mem.ids.push(m.id);
	}
	while (mem.ids.length > MAX_RECENT) mem.idSet.delete(mem.ids.shift() as string);
	// A message without a usable time never moves the cursor.
	if (moveCursor) for (const m of messages) mem.cursorMs = Math.max(mem.cursorMs, millisOf(m.timestamp) ?? -Infinity);

	const ids = [...(s.recent ?? [])];
	const known = new Set(ids);
	for (const id of mem.ids) {
		if (!known.has(id)) {
			ids.push(id);
			known.add(id);
		}
	}
	s.recent = ids.slice(-MAX_RECENT);
	const newest = Math.max(s.cursor ? at(s.cursor) : -Infinity, mem.cursorMs);
	if (Number.isFinite(newest)) s.cursor = new Date(newest).toISOString();
	if (s.resume && mem.handled.has(`resume:${s.resumeId ?? ''}`)) s.resume = false;
	if (mem.checkedAt && (!s.checkedAt || at(mem.checkedAt) > at(s.checkedAt))) s.checkedAt = mem.checkedAt;
	else if (!s.checkedAt) s.checkedAt = new Date().toISOString();
	if (wa.catchUpPerContact) {
		const contacts = (s.contacts ?? []).filter((c) => !messages.some((m) => m.contactNumber === c));
		for (const m of messages) if (m.contactNumber && !contacts.includes(m.contactNumber)) contacts.push(m.contactNumber);
		s.contacts = contacts.slice(-MAX_CONTACTS);
	}
}
