import type { IDataObject } from 'n8n-workflow';

import type { Deadline } from './deadline';
import { networkCode } from './wire';

/** A try that ran past its total deadline (connect, redirects, headers and the whole body). */
export class DeadlineError extends Error {
	readonly code = 'DEADLINE';
	constructor() {
		super('deadline exceeded');
	}
}

/** Network failures that mean "no answer in time" (a socket or client timeout). */
const TIMEOUT_CODES = ['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNABORTED'];

/**
 * A try that got no answer in time reads as the deadline, whichever timer fired first: a timeout at or after the
 * try's deadline is the deadline (on a busy machine a socket timer can fire before the deadline's clock looks).
 */
export function stallAsDeadline(error: unknown, deadline: Deadline, now = Date.now()): unknown {
	if (error instanceof DeadlineError || now < deadline.at) return error;
	return TIMEOUT_CODES.includes(networkCode(error) ?? '') ? new DeadlineError() : error;
}

/** A body that grew past the size the caller allows. */
export class TooLargeError extends Error {}

/** The response stream of `encoding: 'stream'`, typed structurally (node code imports nothing but n8n-workflow). */
interface ByteStream extends AsyncIterable<unknown> {
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	removeAllListeners?(event?: string): unknown;
	destroy?: () => void;
}

/** A reply as n8n's helper returns it with `returnFullResponse`; the body is still a stream. */
export interface WireResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

function isStream(body: unknown): body is ByteStream {
	return !!body && typeof body === 'object' && typeof (body as ByteStream).on === 'function' && !Buffer.isBuffer(body);
}

/** Drops a late or unwanted reply's body and its socket; errors after this are nobody's business. */
export function discard(response: unknown): void {
	const body = (response as WireResponse | undefined)?.body;
	if (isStream(body)) {
		body.on('error', () => undefined);
		body.destroy?.();
	}
}

const EXPIRED = Symbol('expired');

/** The work's result, or a DeadlineError when the try's deadline passes; a late result is discarded, never used. */
export async function beforeDeadline<T>(work: Promise<T>, deadline: Deadline): Promise<T> {
	const late = () => {
		work.then(discard, () => undefined);
		return new DeadlineError();
	};
	if (deadline.at <= Date.now()) throw late();
	const winner = await Promise.race([work, deadline.expired.then(() => EXPIRED)]);
	if (winner === EXPIRED) throw late();
	return winner as T;
}

/** Reads a response body to the end within the deadline and the size cap; past either the stream is destroyed. */
export async function readBody(body: unknown, deadline: Deadline, maxBytes = Infinity): Promise<Buffer | unknown> {
	if (!isStream(body)) return body;
	const stream = body;
	return await new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let done = false;
		const finish = (error?: Error) => {
			if (done) return;
			done = true;
			if (error) {
				stream.on('error', () => undefined);
				stream.destroy?.();
				reject(error);
			} else {
				resolve(Buffer.concat(chunks));
			}
		};
		void deadline.expired.then(() => finish(new DeadlineError()));
		stream.on('data', (chunk: unknown) => {
			if (done) return;
			const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
			size += buf.length;
			if (size > maxBytes) return finish(new TooLargeError());
			chunks.push(buf);
			if (Date.now() >= deadline.at) finish(new DeadlineError());
		});
		stream.on('end', () => finish());
		stream.on('error', (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
		// 'close' follows every 'end': the error (and its stack) is only built for a body cut short.
		stream.on('close', () => {
			if (!done) finish(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		});
	});
}
