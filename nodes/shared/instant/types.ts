import type { IDataObject } from 'n8n-workflow';

import type { ApiClient } from '../transport/http';
import type { ProviderAdapter } from '../provider';
import type { ListQuery } from '../types';

/** The values of the `event` parameter. */
export type EventChoice = 'inbound' | 'outbound' | 'any';

/**
 * Where the provider sends our per-registration secret back:
 * - `query`: a query parameter; put in the registered URL unless `inUrl` is false (registered elsewhere, e.g. in a
 *   field of the register body that the provider appends);
 * - `header`: a header the provider was told to send;
 * - `authorization`: the Authorization header, as `Bearer <secret>` or bare `<secret>` (`bearer` is the same).
 */
export type SecretCarrier =
	| { kind: 'query'; name: string; inUrl?: boolean }
	| { kind: 'header'; name: string }
	| { kind: 'authorization' }
	| { kind: 'bearer' };

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

/** What a registration gives back: the provider's ids (and a single-slot provider's previous settings). */
export interface RegisterResult {
	ids: string[];
	previous?: IDataObject;
}

/**
 * The webhook side of one provider, next to its history adapter. A new provider is one more folder with one of
 * these; the core does not change.
 */
export interface WebhookAdapter {
	history: ProviderAdapter;
	/** The `event` values the provider can push. */
	events: EventChoice[];
	/** Every place the secret may come back; a request presenting it in any one of them is authentic. */
	secret: SecretCarrier | SecretCarrier[];
	/** The business number is needed to register (all but Chirp, where it only filters). */
	needsBusinessNumber: boolean;
	/**
	 * The provider keeps one webhook URL per number (99digital): registering replaces the number's URL rather than
	 * adding a registration, so a failed activation has nothing of its own to remove (the adapter puts back what it
	 * replaced).
	 */
	singleSlot?: boolean;
	/** The history lists one contact at a time (DoubleTick): catch-up reads the contacts it has seen. */
	catchUpPerContact?: boolean;
	/**
	 * A delivery's message id may not be the history's id (DoubleTick: `dtMessageId` or `messageId`, undocumented): a
	 * delivered message is then also recognised in the history by its contact, direction, text and a time within a
	 * few seconds.
	 */
	deliveryIdMayDiffer?: boolean;
	/** The registrations the provider has now (ours and others'); the core keeps those with our exact URL. */
	list(api: ApiClient, input: WebhookInput): Promise<Array<{ id: string; url: string }>>;
	/**
	 * Registers `input.url`; returns the provider's ids (and a single-slot provider's previous settings). A request
	 * that creates a registration is sent with `idempotent: false`: the core looks it up by URL when its outcome is
	 * unknown instead of sending it again.
	 */
	register(api: ApiClient, input: WebhookInput): Promise<RegisterResult>;
	/** Removes exactly our registration; returns a text for the log when the user must act by hand. */
	unregister(api: ApiClient, stored: StoredRegistration, input: WebhookInput): Promise<{ manualAction?: string } | void>;
	/** A request body (and headers) → the items it carries. Tolerant of every documented shape. */
	parse(body: unknown, headers: IDataObject): Delivery[];
}

/**
 * A message the trigger emitted lately: its key (the provider's id; for a record without one, its content's key),
 * its time in epoch seconds, and for a delivered message whose id may differ from the history's (DoubleTick) the
 * fingerprint that recognises it there (see ledger.ts).
 */
export type RecentEntry = [key: string, seconds: number] | [key: string, seconds: number, fingerprint: string];

/** What an instant trigger keeps in the workflow's static data (node scope, JSON only). */
export interface InstantState {
	/** The production registration; `test` is the one of "Listen for test event". */
	live?: StoredRegistration;
	test?: StoredRegistration;
	/**
	 * The history point (ISO): the history has been read and emitted up to this message time. Only history reads move
	 * it (never a delivery), so a delivery lost between two delivered ones is still ahead of it for the next check.
	 */
	history?: string;
	/** Nothing older than this is ever emitted (ISO): the first activation's time (the overlap never reaches before it). */
	since?: string;
	/** Before `history` (older versions): the newest message time seen; read as both the history point and `since`. */
	cursor?: string;
	/** Messages emitted lately (oldest first): retries and duplicates of these start nothing. Older versions: ids only. */
	recent?: Array<RecentEntry | string>;
	/** Set when the trigger was down (n8n start, re-activation): the next delivery catches up first. */
	resume?: boolean;
	resumeId?: string;
	/** When the history was last read (ISO): the first delivery after the gap-check interval reads it again. */
	checkedAt?: string;
	/** Messages a bounded catch-up left for the next delivery: it catches up again, whatever the interval. */
	pending?: number;
	/** Contacts seen lately (DoubleTick's catch-up reads one contact at a time). */
	contacts?: string[];
	/** The n8n processes that handled deliveries lately: a new one means n8n was restarted (or another webhook process joined). */
	processes?: string[];
	/** Older versions: the process that handled the last delivery. */
	process?: string;
}
