import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { parameterLabel } from './errors';

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

function offsetMs(utcMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(utcMs));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return asUtc - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

/** A wall-clock time in `timeZone`, given as if it were UTC, → the real UTC instant. */
function wallTimeToUtc(wallAsUtc: number, timeZone: string): number {
	const first = wallAsUtc - offsetMs(wallAsUtc, timeZone);
	return wallAsUtc - offsetMs(first, timeZone);
}

function toMillis(value: unknown, timeZone: string): number | undefined {
	if (value instanceof Date) return value.getTime();
	if (typeof value === 'number') return value;
	if (value && typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		return (value as { toMillis: () => number }).toMillis();
	}
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	const wall = WALL_TIME.exec(text);
	if (wall && !HAS_OFFSET.test(text)) {
		const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = wall;
		const ms = Number(frac.padEnd(3, '0').slice(0, 3));
		const asUtc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
		return wallTimeToUtc(asUtc, timeZone || 'UTC');
	}
	const parsed = Date.parse(text);
	return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * Reads an n8n dateTime value (string, Date, Luxon DateTime); a value without an offset is read in the
 * workflow's time zone. Empty → undefined.
 */
export function parseDate(
	node: INode,
	value: unknown,
	parameter: string,
	timeZone: string,
	itemIndex?: number,
): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const ms = toMillis(value, timeZone);
	if (ms === undefined || !Number.isFinite(ms)) {
		throw new NodeOperationError(node, `Invalid date in ${parameterLabel(parameter)}: "${String(value)}"`, {
			itemIndex,
			description: 'Use an ISO 8601 date and time, e.g. 2024-04-02T23:02:03 or 2024-04-02T23:02:03Z',
		});
	}
	return ms;
}

export function toIso(ms: number): string {
	return new Date(ms).toISOString();
}

/** Epoch seconds as a number or a numeric string (float allowed) → ISO 8601 UTC with milliseconds. */
export function isoFromSeconds(value: unknown): string | null {
	const n = Number(value);
	return value === null || value === undefined || value === '' || !Number.isFinite(n) ? null : toIso(Math.round(n * 1000));
}

export function isoFromMillis(value: unknown): string | null {
	const n = Number(value);
	return value === null || value === undefined || value === '' || !Number.isFinite(n) ? null : toIso(Math.round(n));
}

/** Any ISO-ish string (with or without zone; none = UTC) → ISO 8601 UTC with milliseconds. */
export function isoFromString(value: unknown): string | null {
	if (typeof value !== 'string' || value === '') return null;
	const text = HAS_OFFSET.test(value) ? value : `${value.replace(' ', 'T')}Z`;
	const ms = Date.parse(text);
	return Number.isNaN(ms) ? null : toIso(ms);
}

export function millisOf(iso: string): number {
	return Date.parse(iso);
}
