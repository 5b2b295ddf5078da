import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IHookFunctions, INodeExecutionData, IPollFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { createClient } from '../transport/client';
import { millisOf } from '../dates';
import { asNodeError, parameterLabel } from '../errors';
import type { ApiClient } from '../transport/http';
import { readOptions } from '../input';
import { matchesQuery, paginate } from '../history/paginate';
import { parsePhone } from '../phone';
import type { ProviderAdapter } from '../provider';
import { toItems } from '../actions/router';
import type { Direction, ListQuery, NormalizedMessage } from '../types';

/** The values of the `event` parameter. */
export type EventChoice = 'inbound' | 'outbound' | 'any';

/** Where the provider sends our per-registration secret back. */
export type SecretCarrier = { kind: 'query'; name: string } | { kind: 'header'; name: string } | { kind: 'bearer' };

/** What the node asks the provider for, read from its parameters. */
export interface WebhookInput {
	/** The URL the provider must call, secret included where it travels in the URL. */
	url: string;
	secret: string;
	event: EventChoice;
	businessNumber?: string;
	manual: boolean;
	replaceExisting: boolean;
	/** The workflow's name, for registrations the provider shows to the user. */
	label: string;
	/** True for any URL of this node (production or test, any secret). */
	isOurs(url: string): boolean;
	/** True for this node's test URL (any secret). */
	isTestUrl(url: string): boolean;
}

/** One registration as stored in static data (JSON only). */
export interface StoredRegistration {
	ids: string[];
	url: string;
	secret: string;
	event: EventChoice;
	businessNumber?: string;
	/** A single-slot provider's settings before we took the slot over (restored on delete). */
	previous?: IDataObject;
}

/** One item of a delivery, already in the history API's shape so the history mapping reads it. */
export interface Delivery {
	kind: 'message' | 'status' | 'other';
	/** The message in the shape the provider's history `toMessage` reads. */
	record?: unknown;
	/** The payload as delivered (goes under `raw` with Include Raw). */
	original?: unknown;
	/** Context the payload lacks (e.g. DoubleTick's numbers). */
	query?: ListQuery;
}

/**
 * The webhook side of one provider, next to its history adapter. A new provider is one more folder with one of
 * these; the core below does not change.
 */
export interface WebhookAdapter {
	history: ProviderAdapter;
	/** The `event` values the provider can push. */
	events: EventChoice[];
	secret: SecretCarrier;
	/** The business number is needed to register (all but Chirp, where it only filters). */
	needsBusinessNumber: boolean;
	/** The history lists one contact at a time (DoubleTick): catch-up reads the contacts it has seen. */
	catchUpPerContact?: boolean;
	/** The registrations the provider has now (ours and others'); the core keeps those with our exact URL. */
	list(api: ApiClient, input: WebhookInput): Promise<Array<{ id: string; url: string }>>;
	/** Registers `input.url`; returns the provider's ids (and a single-slot provider's previous settings). */
	register(api: ApiClient, input: WebhookInput): Promise<{ ids: string[]; previous?: IDataObject }>;
	/** Removes exactly our registration; returns a text for the log when the user must act by hand. */
	unregister(api: ApiClient, stored: StoredRegistration, input: WebhookInput): Promise<{ manualAction?: string } | void>;
	/** A request body (and headers) → the items it carries. Tolerant of every documented shape. */
	parse(body: unknown, headers: IDataObject): Delivery[];
}

/** What an instant trigger keeps in the workflow's static data (node scope, JSON only). */
export interface InstantState {
	/** The production registration; `test` is the one of "Listen for test event". */
	live?: StoredRegistration;
	test?: StoredRegistration;
	/** The newest message time seen (ISO): catch-up reads the history from here. */
	cursor?: string;
	/** Ids emitted recently (newest last): retries and duplicates of these start nothing. */
	recent?: string[];
	/** Set when the trigger was down (n8n start, re-activation): the next delivery catches up first. */
	resume?: boolean;
	resumeId?: string;
	/** When the history was last read (ISO): a delivery after a long silence checks for gaps. */
	checkedAt?: string;
	/** Contacts seen lately (DoubleTick's catch-up reads one contact at a time). */
	contacts?: string[];
	/** The n8n process that handled the last delivery: another one means n8n was restarted (or another process took over). */
	process?: string;
}

/**
 * This n8n process. A delivery handled by another process than the last one marks the trigger as resumed, so a
 * restart is noticed even where n8n does not call `checkExists` at start (n8n 2.40 keeps published webhooks).
 */
const PROCESS = randomBytes(6).toString('hex');

const MAX_RECENT = 1000;
const MAX_CONTACTS = 50;
const CATCH_UP_MAX_PAGES = 50;
/** A delivery after this much silence reads the history since the cursor: a lost delivery shows up there. */
export const GAP_CHECK_MS = 15 * 60_000;
/** Catch-up reads this much before the cursor: providers keep whole seconds, and clocks differ (ids dedupe the overlap). */
const CLOCK_SKEW_MS = 5_000;

type Context = IHookFunctions | IWebhookFunctions;

function state(ctx: Context): InstantState {
	return ctx.getWorkflowStaticData('node') as InstantState;
}

/** The clients and parsers of the shared code take a poll context's shape; hook and webhook contexts have those members. */
function api(ctx: Context, adapter: ProviderAdapter): ApiClient {
	const host = ctx as unknown as IPollFunctions;
	return createClient(host, adapter, readOptions(host, 0));
}

/** The node's URL without query, and the path that every URL of this node ends with. */
function ownPaths(ctx: Context): { base: string; suffix: string } {
	const base = String(ctx.getNodeWebhookUrl('default') ?? '').split('?')[0];
	const node = ctx.getNode();
	const suffix = node.webhookId ? `/${node.webhookId}/webhook` : new URL(base).pathname.replace(/^\/[^/]+/, '');
	return { base, suffix };
}

function readInput(ctx: Context, wa: WebhookAdapter, secret: string): WebhookInput {
	const node = ctx.getNode();
	const { base, suffix } = ownPaths(ctx);
	const url = wa.secret.kind === 'query' ? `${base}?${wa.secret.name}=${secret}` : base;
	const event = String(ctx.getNodeParameter('event', 'inbound')) as EventChoice;
	if (!wa.events.includes(event)) {
		throw new NodeOperationError(node, `${wa.history.displayName} cannot push "${event}" messages; use ${wa.events.map((e) => `"${e}"`).join(' or ')}`);
	}
	const business = String(ctx.getNodeParameter('businessNumber', '') ?? '').trim();
	if (wa.needsBusinessNumber && !business) throw new NodeOperationError(node, `The parameter ${parameterLabel('businessNumber')} is required`);
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const pathOf = (u: string): string => {
		try {
			return new URL(u).pathname.replace(/\/+$/, '');
		} catch {
			return '';
		}
	};
	const testPrefix = /\/webhook-test\//;
	return {
		url,
		secret,
		event,
		businessNumber: business ? parsePhone(node, business, 'businessNumber') : undefined,
		manual: ctx.getMode() === 'manual',
		replaceExisting: options.replaceExistingWebhook === true,
		label: `n8n ${ctx.getWorkflow().name ?? ctx.getWorkflow().id ?? ''} / ${node.name}`.trim(),
		isOurs: (u) => pathOf(u).endsWith(suffix),
		isTestUrl: (u) => pathOf(u).endsWith(suffix) && testPrefix.test(pathOf(u)),
	};
}

function slotOf(ctx: Context): 'live' | 'test' {
	return ctx.getMode() === 'manual' ? 'test' : 'live';
}

/**
 * `checkExists` (n8n calls it on every activation and every start): true only when the provider still has our
 * registration, found by its exact URL (secret included), so a restart never registers a second webhook. A start
 * or a re-activation marks the trigger as resumed: the next delivery first reads what it missed.
 */
export async function checkExists(this: IHookFunctions, wa: WebhookAdapter): Promise<boolean> {
	const s = state(this);
	const slot = slotOf(this);
	const stored = s[slot];
	// No secret stored (never registered, or from before): register anew.
	if (!stored?.secret) return false;
	const input = readInput(this, wa, stored.secret);
	const client = api(this, wa.history);
	if (stored.url !== input.url) {
		// The node's URL changed (e.g. WEBHOOK_URL): the old registration points nowhere useful.
		this.logger.warn(`${wa.history.displayName} instant trigger: the webhook URL changed; removing the registration of the old URL`);
		try {
			await wa.unregister(client, stored, input);
		} catch (error) {
			this.logger.warn(`${wa.history.displayName} instant trigger: could not remove the old registration: ${(error as Error).message}`);
		}
		delete s[slot];
		return false;
	}
	const found = (await wa.list(client, input)).filter((r) => r.url === stored.url);
	if (!found.length) {
		this.logger.info(`${wa.history.displayName} instant trigger: the registration is gone at the provider; registering again`);
		delete s[slot];
		return false;
	}
	stored.ids = [...new Set(found.map((r) => r.id))];
	if (slot === 'live' && s.cursor && ['init', 'activate', 'update', 'leadershipChange'].includes(this.getActivationMode())) markResume(s);
	return true;
}

/** The next delivery catches up first; the id tells this resume from earlier ones (see ProcessMemory). */
function markResume(s: InstantState): void {
	s.resume = true;
	s.resumeId = randomBytes(6).toString('hex');
}

/** `create`: registers this node's URL with a new random secret and stores both. */
export async function create(this: IHookFunctions, wa: WebhookAdapter): Promise<boolean> {
	const s = state(this);
	const slot = slotOf(this);
	const secret = randomBytes(24).toString('hex');
	const input = readInput(this, wa, secret);
	const client = api(this, wa.history);
	let result: Awaited<ReturnType<WebhookAdapter['register']>>;
	try {
		result = await wa.register(client, input);
	} catch (error) {
		throw asNodeError(this.getNode(), error);
	}
	s[slot] = { ids: result.ids, url: input.url, secret, event: input.event, businessNumber: input.businessNumber, previous: result.previous };
	if (!result.previous) delete s[slot]?.previous;
	if (slot === 'live') {
		// First activation: messages from now on. Later ones (re-registration): catch up from where we stopped.
		if (!s.cursor) {
			s.cursor = new Date().toISOString();
			s.checkedAt = s.cursor;
		} else markResume(s);
	}
	return true;
}

/** `delete`: removes exactly our registration (restoring what a single-slot provider had before). */
export async function remove(this: IHookFunctions, wa: WebhookAdapter): Promise<boolean> {
	const s = state(this);
	const slot = slotOf(this);
	const stored = s[slot];
	if (!stored) return true;
	try {
		const input = readInput(this, wa, stored.secret);
		const result = await wa.unregister(api(this, wa.history), stored, input);
		if (result?.manualAction) this.logger.warn(`${wa.history.displayName} instant trigger: ${result.manualAction}`);
		delete s[slot];
	} catch (error) {
		// Kept: the next activation finds the registration by its URL and adopts it instead of adding another.
		this.logger.error(`${wa.history.displayName} instant trigger: could not remove the webhook registration: ${(error as Error).message}`, {
			node: this.getNode().name,
		});
	}
	return true;
}

/** Constant-time comparison of two secrets (hashed first, so unequal lengths leak nothing either). */
export function sameSecret(given: unknown, expected: string): boolean {
	if (typeof given !== 'string' || !given || !expected) return false;
	const a = createHash('sha256').update(given).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b) && given.length === expected.length;
}

function header(headers: IDataObject, name: string): string | undefined {
	const v = headers[name.toLowerCase()];
	return Array.isArray(v) ? String(v[0]) : v === undefined || v === null ? undefined : String(v);
}

function presentedSecret(ctx: IWebhookFunctions, carrier: SecretCarrier): string | undefined {
	const headers = ctx.getHeaderData() as IDataObject;
	if (carrier.kind === 'query') {
		const v = (ctx.getQueryData() as IDataObject)[carrier.name];
		return typeof v === 'string' ? v : undefined;
	}
	if (carrier.kind === 'header') return header(headers, carrier.name);
	const auth = header(headers, 'authorization') ?? '';
	return /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : undefined;
}

/** The trigger's filters: event, business number, contact. */
function filterQuery(ctx: IWebhookFunctions, business: string | undefined): ListQuery {
	const node = ctx.getNode();
	const q: ListQuery = {};
	if (business) q.businessNumber = business;
	const event = String(ctx.getNodeParameter('event', 'inbound'));
	if (event === 'inbound' || event === 'outbound') q.direction = event as Direction;
	const filters = (ctx.getNodeParameter('filters', {}) ?? {}) as IDataObject;
	const contact = String(filters.contactNumber ?? '').trim();
	if (contact) q.contactNumber = parsePhone(node, contact, 'filters.contactNumber');
	return q;
}

/** An ISO time we stored ourselves, in ms; -Infinity when it is missing or unreadable. */
function at(iso: string | undefined): number {
	return millisOf(iso) ?? Number.NEGATIVE_INFINITY;
}

function byTimeThenOrder(list: NormalizedMessage[]): NormalizedMessage[] {
	return list
		// A message without a usable time is taken as the newest (it was just delivered or just read).
		.map((m, i) => ({ m, i, t: millisOf(m.timestamp) ?? Number.POSITIVE_INFINITY }))
		.sort((a, b) => (a.t === b.t ? a.i - b.i : a.t < b.t ? -1 : 1))
		.map((x) => x.m);
}

/**
 * The history since the cursor, oldest first, through the same pagination engine as the action nodes. Reads every
 * message past the cursor (matching or not) so the cursor can move past them.
 */
async function readSince(client: ApiClient, wa: WebhookAdapter, filters: ListQuery, cursorMs: number, contacts: string[], includeRaw: boolean) {
	const adapter = wa.history;
	const server = adapter.serverFilters;
	const base: ListQuery = {
		businessNumber: server.includes('business') ? filters.businessNumber : undefined,
		direction: server.includes('direction') ? filters.direction : undefined,
		startMs: cursorMs,
	};
	const queries: ListQuery[] = wa.catchUpPerContact
		? (filters.contactNumber ? [filters.contactNumber] : contacts).map((contactNumber) => ({ ...base, contactNumber }))
		: [{ ...base, contactNumber: server.includes('contact') ? filters.contactNumber : undefined }];
	const all: NormalizedMessage[] = [];
	for (const query of queries) {
		for await (const m of paginate(client, adapter, query, { concurrency: 1, includeRaw, maxPages: CATCH_UP_MAX_PAGES })) all.push(m);
	}
	return all;
}

/**
 * `webhook()`: checks the secret (403 and no execution when wrong), keeps only new messages that match the
 * trigger (status events, other events, filtered-out messages and duplicates answer 200 and start nothing), catches
 * up from the history after downtime or a long silence (answering the provider first), and emits the normalized
 * items oldest first, each message once.
 */
export async function receive(this: IWebhookFunctions, wa: WebhookAdapter): Promise<IWebhookResponseData> {
	const s = state(this);
	const manual = this.getMode() === 'manual';
	const stored = manual ? s.test : s.live;
	const res = this.getResponseObject();
	if (!stored?.secret || !sameSecret(presentedSecret(this, wa.secret), stored.secret)) {
		res.status(403).json({ message: 'Provided secret is not valid' });
		return { noWebhookResponse: true };
	}
	if (!manual && s.process !== PROCESS) {
		// A delivery handled before by another process: this one started since. One resume per process, so concurrent
		// deliveries of this process share its catch-up (same cause).
		if (s.process !== undefined && s.resume !== true) {
			s.resume = true;
			s.resumeId = `process-${PROCESS}`;
		}
		s.process = PROCESS;
	}
	const adapter = wa.history;
	const host = this as unknown as IPollFunctions;
	const options = readOptions(host, 0);
	const catchUp = (this.getNodeParameter('options', {}) as IDataObject).catchUp !== false;
	const filters = filterQuery(this, stored.businessNumber);
	const businessOnServer = false;

	const delivered: NormalizedMessage[] = [];
	for (const d of wa.parse(this.getBodyData(), this.getHeaderData() as IDataObject)) {
		if (d.kind !== 'message') continue;
		const query: ListQuery = { businessNumber: stored.businessNumber };
		for (const [k, v] of Object.entries(d.query ?? {})) if (v !== undefined) (query as Record<string, unknown>)[k] = v;
		const m = adapter.toMessage(d.record, query);
		if (options.includeRaw) m.raw = d.original ?? d.record;
		// A message without an id is still emitted (it cannot be told apart from a retry, so it is never deduplicated).
		delivered.push(m);
	}
	// Status updates and other events: 200, no execution.
	if (!delivered.length) return { webhookResponse: 'OK' };

	const mem = manual ? undefined : memoryOf(this, stored.secret);
	const recent = new Set(s.recent ?? []);
	const known = (id: string | null) => id !== null && !manual && (recent.has(id) || !!mem?.idSet.has(id));
	const now = Date.now();
	const cursorMs = s.cursor ? at(s.cursor) : undefined;
	// What asks for a catch-up: a start / re-activation (resume), or a long silence. Concurrent requests of this process
	// share one catch-up per cause (n8n gives each request its own copy of the static data, read without a lock).
	const cause = s.resume === true ? `resume:${s.resumeId ?? ''}` : !s.checkedAt || now - at(s.checkedAt) > GAP_CHECK_MS ? `gap:${s.checkedAt ?? ''}` : undefined;
	const needsCatchUp = !manual && catchUp && cursorMs !== undefined && cause !== undefined && !mem?.handled.has(cause);
	const running = needsCatchUp && cause ? mem?.claims.get(cause) : undefined;
	const wanted = (m: NormalizedMessage) => matchesQuery(m, filters, businessOnServer);
	if (!needsCatchUp && !delivered.some((m) => !known(m.id) && wanted(m))) {
		if (mem) remember(s, mem, delivered, wa);
		return { webhookResponse: 'OK' };
	}

	const client = createClient(host, adapter, options);
	// The provider gets its answer now when more work follows (history reads, downloads): some give up after 5 s.
	let answered = false;
	if (needsCatchUp || options.downloadMedia) {
		res.status(200).json({ received: true });
		answered = true;
	}
	let candidates: NormalizedMessage[] = delivered;
	let seen = delivered;
	let failed = false;
	if (running) {
		// Another delivery of this process is catching up for the same cause: what it emits is not emitted again.
		await running;
	} else if (needsCatchUp && mem && cause) {
		let done = (): void => undefined;
		mem.claims.set(
			cause,
			new Promise<void>((resolve) => {
				done = resolve;
			}),
		);
		try {
			const contacts = [...new Set([...(s.contacts ?? []), ...delivered.map((m) => m.contactNumber)])];
			const from = (cursorMs as number) - CLOCK_SKEW_MS;
			const history = await readSince(client, wa, filters, from, contacts, options.includeRaw);
			const byId = new Map<string, NormalizedMessage>();
			const withoutId: NormalizedMessage[] = [];
			for (const m of history) {
				// Without a time a history record cannot be placed after the cursor, and without an id it cannot be told
				// from one emitted before: only records that can be shown to be new are caught up.
				const t = millisOf(m.timestamp);
				if (t === null) continue;
				if (m.id !== null && t >= from) byId.set(m.id, m);
				else if (m.id === null && t > (cursorMs as number)) withoutId.push(m);
			}
			// The delivered copy wins over the history's (fresh media links).
			for (const m of delivered) if (m.id !== null) byId.set(m.id, m);
			candidates = [...byId.values(), ...withoutId, ...delivered.filter((m) => m.id === null)];
			seen = [...delivered, ...history];
			mem.handled.add(cause);
			mem.checkedAt = new Date(now).toISOString();
		} catch (error) {
			// The delivered messages still go out; the gap is read again at the next delivery.
			failed = true;
			this.logger.error(`${adapter.displayName} instant trigger: catching up from the history failed, retried at the next delivery: ${(error as Error).message}`, {
				node: this.getNode().name,
			});
		} finally {
			mem.claims.delete(cause);
			done();
		}
	}
	// No await between choosing and recording: concurrent requests see these ids as taken.
	const emitted = candidates.filter((m) => !known(m.id) && wanted(m));
	if (mem) remember(s, mem, seen, wa, !failed);
	else if (!emitted.length) return { webhookResponse: 'OK' };
	return await emit(emitted, client, options, answered);
}

async function emit(
	messages: NormalizedMessage[],
	client: ApiClient,
	options: ReturnType<typeof readOptions>,
	answered: boolean,
): Promise<IWebhookResponseData> {
	if (!messages.length) return answered ? { noWebhookResponse: true } : { webhookResponse: 'OK' };
	const items: INodeExecutionData[] = await toItems(byTimeThenOrder(messages), client, options);
	return answered ? { noWebhookResponse: true, workflowData: [items] } : { workflowData: [items] };
}

/** Per n8n process: what concurrent requests of one trigger registration share. */
interface ProcessMemory {
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

function memoryOf(ctx: IWebhookFunctions, secret: string): ProcessMemory {
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
function remember(s: InstantState, mem: ProcessMemory, messages: NormalizedMessage[], wa: WebhookAdapter, moveCursor = true): void {
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
