import { NodeApiError } from 'n8n-workflow';

/** The numbers a request sent, by the parameter the user typed them in, exactly as the provider received them. */
export type SentNumbers = Record<string, string | undefined>;

/**
 * A 404 answer to a request that named phone numbers is almost always a number the provider does not know: the
 * error then names the numbers as they were sent and suggests checking the country code. Other errors, and a 404
 * to a request without numbers, pass through unchanged.
 */
export async function withNumberHint<T>(provider: string, sent: SentNumbers, request: () => Promise<T>): Promise<T> {
	try {
		return await request();
	} catch (error) {
		throw addNumberHint(error, provider, sent);
	}
}

export function addNumberHint(error: unknown, provider: string, sent: SentNumbers): unknown {
	if (!(error instanceof NodeApiError) || String(error.httpCode) !== '404') return error;
	const named = Object.entries(sent).filter(([, value]) => typeof value === 'string' && value !== '');
	if (!named.length) return error;
	const numbers = named.map(([label, value]) => `${label} ${value}`).join(', ');
	error.message = `${error.message.replace(/\.$/, '')}. ${provider} was sent ${numbers}: check the country code`;
	error.description = [error.description, `Sent: ${numbers}. A number needs its country code (e.g. +972 50-123-4567, not 050-123-4567).`]
		.filter(Boolean)
		.join(' — ');
	return error;
}
