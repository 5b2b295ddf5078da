import { createHash, timingSafeEqual } from 'crypto';
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { SecretCarrier, WebhookAdapter } from './types';

/** Constant-time comparison of two secrets (hashed first, so unequal lengths leak nothing either). */
export function sameSecret(given: unknown, expected: string): boolean {
	if (typeof given !== 'string' || !given || !expected) return false;
	const a = createHash('sha256').update(given).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b) && given.length === expected.length;
}

/** The adapter's secret carriers as a list. */
export function carriersOf(wa: WebhookAdapter): SecretCarrier[] {
	return Array.isArray(wa.secret) ? wa.secret : [wa.secret];
}

/** The query parameters of the registered URL that carry the secret. */
export function urlQueryCarriers(wa: WebhookAdapter): string[] {
	return carriersOf(wa).flatMap((c) => (c.kind === 'query' && c.inUrl !== false ? [c.name] : []));
}

function header(headers: IDataObject, name: string): string | undefined {
	const v = headers[name.toLowerCase()];
	return Array.isArray(v) ? String(v[0]) : v === undefined || v === null ? undefined : String(v);
}

/** What one carrier presents: the value, or undefined when the request does not use that place at all. */
export function presentedIn(headers: IDataObject, query: IDataObject, carrier: SecretCarrier): string | undefined {
	let value: string | undefined;
	if (carrier.kind === 'query') {
		const v = query[carrier.name];
		value = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
	} else if (carrier.kind === 'header') {
		value = header(headers, carrier.name);
	} else {
		// `Bearer <secret>` or the bare secret: the provider does not document how it renders the token it was given.
		value = (header(headers, 'authorization') ?? '').replace(/^Bearer\s+/i, '');
	}
	value = value?.trim();
	return value ? value : undefined;
}

/**
 * How a delivery stands against the registration's secret:
 * - `valid`: one of the carriers presents the secret (each compared in constant time);
 * - `missing`: the provider sends the secret only in the URL's query string and this request has none at all
 *   (a provider that drops the query string): its messages may be emitted only once the history confirms them;
 * - `invalid`: anything else (a wrong value, or no value where the provider always sends one).
 */
export type Authenticity = 'valid' | 'missing' | 'invalid';

export function authenticity(ctx: IWebhookFunctions, wa: WebhookAdapter, secret: string | undefined): Authenticity {
	if (!secret) return 'invalid';
	const headers = (ctx.getHeaderData() ?? {}) as IDataObject;
	const query = (ctx.getQueryData() ?? {}) as IDataObject;
	const carriers = carriersOf(wa);
	const presented = carriers.map((c) => presentedIn(headers, query, c));
	// Every carrier is compared (no early exit): the time taken does not tell which one matched.
	const matches = presented.map((v) => sameSecret(v, secret));
	if (matches.some(Boolean)) return 'valid';
	const onlyInUrl = carriers.every((c) => c.kind === 'query' && c.inUrl !== false);
	return onlyInUrl && presented.every((v) => v === undefined) ? 'missing' : 'invalid';
}
