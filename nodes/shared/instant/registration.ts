import { randomBytes } from 'crypto';
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IHookFunctions } from 'n8n-workflow';

import { asNodeError, parameterLabel } from '../errors';
import { parsePhone } from '../phone';
import { instantClient, instantState } from './context';
import { readBurstOptions } from './quiet';
import type { InstantContext } from './context';
import type { EventChoice, InstantState, WebhookAdapter, WebhookInput } from './types';

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
	const url = wa.secret.kind === 'query' ? `${base}?${wa.secret.name}=${secret}` : base;
	const event = String(ctx.getNodeParameter('event', 'inbound')) as EventChoice;
	if (!wa.events.includes(event)) {
		throw new NodeOperationError(node, `${wa.history.displayName} cannot push "${event}" messages; use ${wa.events.map((e) => `"${e}"`).join(' or ')}`);
	}
	const business = String(ctx.getNodeParameter('businessNumber', '') ?? '').trim();
	if (wa.needsBusinessNumber && !business) throw new NodeOperationError(node, `The parameter ${parameterLabel('businessNumber')} is required`);
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
	readBurstOptions(ctx); // issue-20: Wait for Quiet, Output Format and Context Messages are checked at activation
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
	const client = instantClient(this, wa.history);
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

/** `create`: registers this node's URL with a new random secret and stores both. */
export async function create(this: IHookFunctions, wa: WebhookAdapter): Promise<boolean> {
	const s = instantState(this);
	const slot = slotOf(this);
	const secret = randomBytes(24).toString('hex');
	const input = readInput(this, wa, secret);
	const client = instantClient(this, wa.history);
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
	const s = instantState(this);
	const slot = slotOf(this);
	const stored = s[slot];
	if (!stored) return true;
	try {
		const input = readInput(this, wa, stored.secret);
		const result = await wa.unregister(instantClient(this, wa.history), stored, input);
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
