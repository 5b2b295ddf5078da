import { createHash, timingSafeEqual } from 'crypto';
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { SecretCarrier } from './types';

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

/** The secret the request presents where the provider was told to send it back. */
export function presentedSecret(ctx: IWebhookFunctions, carrier: SecretCarrier): string | undefined {
	const headers = ctx.getHeaderData() as IDataObject;
	if (carrier.kind === 'query') {
		const v = (ctx.getQueryData() as IDataObject)[carrier.name];
		return typeof v === 'string' ? v : undefined;
	}
	if (carrier.kind === 'header') return header(headers, carrier.name);
	const auth = header(headers, 'authorization') ?? '';
	return /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : undefined;
}
