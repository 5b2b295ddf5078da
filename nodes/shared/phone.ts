import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { parameterLabel } from './errors';

const SEPARATORS = /[\s\-.()]/g;

/**
 * Reads a number typed by the user: digits with an optional leading `+` or `00`, common separators allowed,
 * country code required. Returns E.164 with `+`.
 */
export function parsePhone(node: INode, value: unknown, parameter: string, itemIndex?: number): string {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	let digits = text.replace(SEPARATORS, '');
	if (digits.startsWith('+')) digits = digits.slice(1);
	else if (digits.startsWith('00')) digits = digits.slice(2);
	if (!/^[1-9]\d{6,14}$/.test(digits)) {
		throw new NodeOperationError(node, `Invalid phone number in ${parameterLabel(parameter)}: "${text}"`, {
			itemIndex,
			description:
				'Use the international format with the country code, e.g. +972 50-123-4567 or 972501234567. National formats (a leading 0) are not accepted.',
		});
	}
	return `+${digits}`;
}

/**
 * A list of numbers typed by the user (DoubleTick's Contact Numbers): separated by commas, semicolons or line
 * breaks, each read by parsePhone; duplicates (in any format) count once, in the order first given.
 */
export function parsePhoneList(node: INode, value: unknown, parameter: string, itemIndex?: number): string[] {
	const parts = String(value ?? '')
		.split(/[,;\n]/)
		.map((c) => c.trim())
		.filter(Boolean);
	return [...new Set(parts.map((c) => parsePhone(node, c, parameter, itemIndex)))];
}

/** Digits only, as APIs that want the number without `+` expect it. */
export function digitsOf(e164: string): string {
	return e164.replace(/^\+/, '');
}

/**
 * A number as a provider returned it → E.164 with `+`. Anything that is not a phone number
 * (group ids, username-style ids) passes through unchanged.
 */
export function normalizeProviderNumber(value: unknown): string | null {
	if (value === null || value === undefined || value === '') return null;
	const text = String(value).trim();
	const waUser = /^(\d{7,15})@c\.us$/.exec(text);
	if (waUser) return `+${waUser[1]}`;
	const compact = text.replace(SEPARATORS, '');
	if (/^\+?\d{7,15}$/.test(compact)) return `+${compact.replace(/^\+/, '')}`;
	return text;
}
