import { randomBytes } from 'crypto';
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IHookFunctions } from 'n8n-workflow';

import { asNodeError, parameterLabel } from '../errors';
import { urlQueryCarriers } from './authenticate';
import { parsePhone } from '../phone';
import type { ApiClient } from '../transport/http';
import { outcomeUnknown } from '../transport/http';
import { instantClient, instantState } from './context';
import { readBurstOptions } from './quiet';
import type { InstantContext } from './context';
import type { EventChoice, InstantState, RegisterResult, WebhookAdapter, WebhookInput } from './types';

/** The node's URL without query, and the path that every URL of this node ends with. */
function ownPaths(ctx: InstantContext): { base: string; suffix: string } {
	const base = String(ctx.getNodeWebhookUrl('default') ?? '').split('?')[0];
	const node = ctx.getNode();
	const suffix = node.webhookId ? `/${node.webhookId}/webhook` : new URL(base).pathname.replace(/^\/[^/]+/, '');
	return { base, suffix };
}

function pathOf(url: string): string {
	try {
		return new URL(url).pathname.replace(/\/+$/, '');
	} catch {
		return '';
	}
}

/** What the node asks the provider for (validated), with this registration's secret. */
export function readInput(ctx: InstantContext, wa: WebhookAdapter, secret: string): WebhookInput {
	const node = ctx.getNode();
	const { base, suffix } = ownPaths(ctx);
	const inUrl = urlQueryCarriers(wa);
	const url = inUrl.length ? `${base}?${inUrl.map((name) => `${name}=${secret}`).join('&')}` : base;
	const event = String(ctx.getNodeParameter('event', 'inbound')) as EventChoice;
	if (!wa.events.includes(event)) {
		throw new NodeOperationError(node, `${wa.history.displayName} cannot push "${event}" messages; use ${wa.events.map((e) => `"${e}"`).join(' or ')}`);
	}
	const business = String(ctx.getNodeParameter('businessNumber', '') ?? '').trim();
	if (wa.needsBusinessNumber && !business) throw new NodeOperationError(node, `The parameter ${parameterLabel('businessNumber')} is required`);
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
	// Wait for Quiet, Output Format and Context Messages are checked at activation.
	readBurstOptions(ctx);
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

/** Production registrations live in `live`, the editor's "Listen for test event" ones in `test`. */
export function slotOf(ctx: InstantContext): 'live' | 'test' {
	return ctx.getMode() === 'manual' ? 'test' : 'live';
}

/** The next delivery catches up first; the id tells this resume from earlier ones (see the ledger). */
export function markResume(s: InstantState): void {
	s.resume = true;
	s.resumeId = randomBytes(6).toString('hex');
}

/**
 * `checkExists` (n8n calls it on every activation and every start): true only when the provider still has our
 * registration, found by its exact URL (secret included), so a restart never registers a second webhook. A start
 * or a re-activation marks the trigger as resumed: the next delivery first reads what it missed.
 */
export async function checkExists(this: IHookFunctions, wa: WebhookAdapter): Promise<boolean> {
	const s = instantState(this);
	const slot = slotOf(this);
	const stored = s[slot];
	// No secret stored (never registered, or from before): register anew.
	if (!stored?.secret) return false;
	const input = readInput(this, wa, stored.secret);
	const client = instantClient(this, wa.history, s.live?.secret, s.test?.secret);
	const changed = stored.url !== input.url ? 'the webhook URL' : stored.event !== input.event ? 'the Event' : undefined;
	if (changed) {
		// The node's URL (e.g. WEBHOOK_URL) or the events it asks for changed: the old registration is of no use, and
		// left alone it would keep calling (a second delivery of every message, or refused calls forever).
		this.logger.warn(`${wa.history.displayName} instant trigger: ${changed} changed; removing the old registration`);
		try {
			const result = await wa.unregister(client, stored, input);
			if (result?.manualAction) this.logger.warn(`${wa.history.displayName} instant trigger: ${client.run.scrub(result.manualAction)}`);
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
	const ids = [...new Set(found.map((r) => r.id))];
	// Assigned only when it differs: n8n writes the static data whenever a value is assigned.
	if (JSON.stringify(ids) !== JSON.stringify(stored.ids)) stored.ids = ids;
	if (slot === 'live' && (s.history ?? s.cursor) && ['init', 'activate', 'update', 'leadershipChange'].includes(this.getActivationMode())) markResume(s);
	return true;
}

/** The provider's registrations of exactly this URL (secret included where it travels in the URL). */
async function registrationsAt(wa: WebhookAdapter, client: ApiClient, input: WebhookInput): Promise<string[]> {
	return [...new Set((await wa.list(client, input)).filter((r) => r.url === input.url).map((r) => r.id))];
}

/**
 * Registers `input.url` at most once. A register request that may have reached the provider without our learning
 * the outcome (no answer in time, a broken connection, a 5xx: the API client does not re-send it) is never sent
 * again blindly: the registrations are looked up by the exact URL, one found is adopted, and only when there is
 * none is it registered once more.
 */
export async function registerOnce(wa: WebhookAdapter, client: ApiClient, input: WebhookInput): Promise<RegisterResult> {
	try {
		return await wa.register(client, input);
	} catch (error) {
		if (!outcomeUnknown(error)) throw asNodeError(client.node, error);
		const ids = await registrationsAt(wa, client, input);
		return ids.length ? { ids } : await wa.register(client, input);
	}
}

/** After a failed activation: removes what the attempt registered (found by its exact URL), logging what it did. */
async function removeLeftovers(ctx: IHookFunctions, wa: WebhookAdapter, client: ApiClient, input: WebhookInput): Promise<void> {
	const name = wa.history.displayName;
	try {
		const ids = await registrationsAt(wa, client, input);
		if (!ids.length) return;
		const result = await wa.unregister(client, { ids, url: input.url, secret: input.secret, event: input.event, businessNumber: input.businessNumber }, input);
		ctx.logger.warn(`${name} instant trigger: the activation failed after the provider saved the registration; ${result?.manualAction ? client.run.scrub(result.manualAction) : 'it was removed'}`);
	} catch (error) {
		ctx.logger.error(`${name} instant trigger: the activation failed and the registration it may have left could not be removed: ${(error as Error).message}`, {
			node: ctx.getNode().name,
		});
	}
}

/** `create`: registers this node's URL with a new random secret and stores both. */
export async function create(this: IHookFunctions, wa: WebhookAdapter): Promise<boolean> {
	const s = instantState(this);
	const slot = slotOf(this);
	const secret = randomBytes(24).toString('hex');
	const input = readInput(this, wa, secret);
	const client = instantClient(this, wa.history, secret, s.live?.secret, s.test?.secret);
	let result: RegisterResult;
	try {
		result = await registerOnce(wa, client, input);
	} catch (error) {
		// A failed activation leaves nothing behind: what this attempt registered is found by its exact URL. (A refusal
		// of the node's own, e.g. a missing app key, comes before anything was sent.)
		if (!wa.singleSlot && !(error instanceof NodeOperationError)) await removeLeftovers(this, wa, client, input);
		throw asNodeError(this.getNode(), error);
	}
	s[slot] = { ids: result.ids, url: input.url, secret, event: input.event, businessNumber: input.businessNumber, previous: result.previous };
	if (!result.previous) delete s[slot]?.previous;
	if (slot === 'live') {
		// First activation: messages from now on (the history point and the floor). Later ones (re-registration):
		// catch up from where we stopped.
		if (!s.history && !s.cursor) {
			const now = new Date(Date.now()).toISOString();
			s.history = now;
			s.since = now;
			s.checkedAt = now;
		} else markResume(s);
	}
	return true;
}

/** `delete`: removes exactly our registration (restoring what a single-slot provider had before). */
export async function remove(this: IHookFunctions, wa: WebhookAdapter): Promise<boolean> {
	const s = instantState(this);
	const slot = slotOf(this);
	const stored = s[slot];
	if (!stored) return true;
	try {
		const input = readInput(this, wa, stored.secret);
		const client = instantClient(this, wa.history, s.live?.secret, s.test?.secret);
		const result = await wa.unregister(client, stored, input);
		if (result?.manualAction) this.logger.warn(`${wa.history.displayName} instant trigger: ${client.run.scrub(result.manualAction)}`);
		delete s[slot];
	} catch (error) {
		// Kept: the next activation finds the registration by its URL and adopts it instead of adding another.
		this.logger.error(`${wa.history.displayName} instant trigger: could not remove the webhook registration: ${(error as Error).message}`, {
			node: this.getNode().name,
		});
	}
	return true;
}
