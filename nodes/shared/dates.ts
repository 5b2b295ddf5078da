import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { parameterLabel } from './errors';

/** ISO 8601 as n8n and the providers write it: date, optional time (`T` or space), optional fraction and zone. */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

interface CalendarTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	millisecond: number;
	/** Minutes east of UTC; undefined when the text has no zone. */
	offsetMinutes?: number;
}

/** Why an ISO-shaped text is not a real calendar time (`2026-02-30`, `2026-13-01`, 25:00), or undefined. */
export function calendarProblem(t: CalendarTime): string | undefined {
	if (t.month < 1 || t.month > 12) return `there is no month ${t.month}`;
	const days = new Date(Date.UTC(t.year, t.month, 0)).getUTCDate();
	if (t.day < 1 || t.day > days) return `${t.year}-${String(t.month).padStart(2, '0')} has no day ${t.day}`;
	if (t.hour > 23) return `there is no hour ${t.hour}`;
	if (t.minute > 59) return `there is no minute ${t.minute}`;
	if (t.second > 59) return `there is no second ${t.second}`;
	if (t.offsetMinutes !== undefined && Math.abs(t.offsetMinutes) > 18 * 60) return 'the time zone offset is out of range';
	return undefined;
}

/** An ISO 8601 text's fields, or undefined when the text is not ISO-shaped (validity is checked separately). */
function readIso(text: string): CalendarTime | undefined {
	const m = ISO_TIME.exec(text.trim());
	if (!m) return undefined;
	const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m;
	let offsetMinutes: number | undefined;
	if (zone) {
		if (zone.toUpperCase() === 'Z') offsetMinutes = 0;
		else {
			const digits = zone.slice(1).replace(':', '');
			const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
			offsetMinutes = zone.startsWith('-') ? -minutes : minutes;
		}
	}
	return {
		year: +y,
		month: +mo,
		day: +d,
		hour: +h,
		minute: +mi,
		second: +s,
		millisecond: Number(frac.padEnd(3, '0').slice(0, 3)),
		offsetMinutes,
	};
}

function utcOf(t: CalendarTime): number {
	return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
}

/** The wall-clock reading of an instant in `timeZone`: year, month (1-12), day, hour (0-23), minute, second. */
export function wallClock(utcMs: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
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
	return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

function offsetMs(utcMs: number, timeZone: string): number {
	const w = wallClock(utcMs, timeZone);
	const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
	return asUtc - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

/** A wall-clock time in `timeZone`, given as if it were UTC, → the real UTC instant. */
function wallTimeToUtc(wallAsUtc: number, timeZone: string): number {
	const first = wallAsUtc - offsetMs(wallAsUtc, timeZone);
	return wallAsUtc - offsetMs(first, timeZone);
}

/** A user's date value → epoch ms; `problem` when it is ISO-shaped but not on the calendar. */
function toMillis(value: unknown, timeZone: string): { ms?: number; problem?: string } {
	if (value instanceof Date) return { ms: value.getTime() };
	if (typeof value === 'number') return { ms: value };
	if (value && typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		return { ms: (value as { toMillis: () => number }).toMillis() };
	}
	if (typeof value !== 'string') return {};
	const text = value.trim();
	const iso = readIso(text);
	if (iso) {
		// Date.UTC and Date.parse roll 2026-02-30 over to March 2: a date that is not on the calendar is an error.
		const problem = calendarProblem(iso);
		if (problem) return { problem };
		if (iso.offsetMinutes === undefined) return { ms: wallTimeToUtc(utcOf(iso), timeZone || 'UTC') };
		return { ms: utcOf(iso) - iso.offsetMinutes * 60_000 };
	}
	const parsed = Date.parse(text);
	return Number.isNaN(parsed) ? {} : { ms: parsed };
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
	const { ms, problem } = toMillis(value, timeZone);
	if (problem) {
		throw new NodeOperationError(node, `Invalid date in ${parameterLabel(parameter)}: "${String(value)}" (${problem})`, {
			itemIndex,
			description: 'The date does not exist on the calendar. Use an ISO 8601 date and time, e.g. 2024-04-02T23:02:03',
		});
	}
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

const YEAR_2000 = Date.UTC(2000, 0, 1);
const YEAR_2200 = Date.UTC(2200, 0, 1);
const NUMERIC = /^[+-]?\d+(?:\.\d+)?$/;

/** An epoch number in whatever unit its size says: 10 digits are seconds, 13 milliseconds, 16 µs, 19 ns. */
function epochMillis(n: number): number {
	const size = Math.abs(n);
	if (size < 1e11) return n * 1000;
	if (size < 1e14) return n;
	if (size < 1e17) return n / 1e3;
	return n / 1e6;
}

/**
 * The one tolerant reader of a provider's message time, whatever the provider documents: epoch numbers and
 * numeric strings (the unit is read from the size, so seconds and milliseconds both work), ISO 8601 strings
 * with or without a zone (none = UTC) and `YYYY-MM-DD HH:MM:SS`, other strings with an explicit zone
 * (`Tue, 02 Apr 2024 23:02:03 GMT`), Date objects. Returns epoch ms, or null when there is no usable time:
 * missing, null, empty, garbage, a date not on the calendar, or a time before 2000 or after 2199 (0 and other
 * placeholders — a message time is never 1970).
 */
export function providerTime(value: unknown): number | null {
	let ms: number | undefined;
	if (value instanceof Date) ms = value.getTime();
	else if (typeof value === 'number') ms = epochMillis(value);
	else if (typeof value === 'string') {
		const text = value.trim();
		if (NUMERIC.test(text)) ms = epochMillis(Number(text));
		else {
			const iso = readIso(text);
			if (iso) ms = calendarProblem(iso) ? undefined : utcOf(iso) - (iso.offsetMinutes ?? 0) * 60_000;
			else if (/(GMT|UTC|Z|[+-]\d{2}:?\d{2})$/i.test(text)) ms = Date.parse(text);
		}
	}
	if (ms === undefined || !Number.isFinite(ms) || ms < YEAR_2000 || ms >= YEAR_2200) return null;
	return Math.round(ms);
}

/** A provider's message time (see providerTime) → ISO 8601 UTC with milliseconds, or null. */
export function isoFromProviderTime(value: unknown): string | null {
	const ms = providerTime(value);
	return ms === null ? null : toIso(ms);
}

/** Epoch seconds as a number or a numeric string (float allowed) → ISO 8601 UTC with milliseconds. */
export function isoFromSeconds(value: unknown): string | null {
	const n = Number(value);
	return value === null || value === undefined || value === '' || !Number.isFinite(n) ? null : toIso(Math.round(n * 1000));
}

/** A normalized item's timestamp → epoch ms; null when the message has no usable time. */
export function millisOf(iso: string | null | undefined): number | null {
	if (!iso) return null;
	const ms = Date.parse(iso);
	return Number.isNaN(ms) ? null : ms;
}
