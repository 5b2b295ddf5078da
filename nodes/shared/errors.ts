import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

const STATUS_MESSAGES: Record<number, string> = {
	400: 'Bad request - please check your parameters',
	401: 'Authorization failed - the API key was rejected',
	402: 'Payment required - the provider refused the request for billing reasons',
	403: 'Forbidden - the API key may not have access to this resource',
	404: 'The resource you are requesting could not be found',
	408: 'The request timed out',
	409: 'Conflict - the provider asks to retry later',
	422: 'The provider could not process the request',
	429: 'The service is receiving too many requests from you',
};

export interface ProviderFailure {
	status: number;
	/** The provider's own words, shown as the error's description. */
	providerMessage?: string;
	/** Overrides the human message derived from the status. */
	message?: string;
	code?: string;
}

/** Builds the NodeApiError the contract asks for: httpCode = provider status, provider's message in description. */
export function apiError(node: INode, failure: ProviderFailure, itemIndex?: number): NodeApiError {
	const { status } = failure;
	const message =
		failure.message ??
		STATUS_MESSAGES[status] ??
		(status >= 500 ? 'The service failed to process your request' : `The provider answered with status ${status}`);
	const description = failure.providerMessage || undefined;
	const response: JsonObject = { message, httpCode: String(status) };
	if (description) response.description = description;
	if (failure.code) response.code = failure.code;
	return new NodeApiError(node, response, {
		message,
		description,
		httpCode: String(status),
		itemIndex,
	});
}

export function notFoundError(node: INode, messageId: string, providerMessage?: string, itemIndex?: number): NodeApiError {
	return apiError(node, { status: 404, message: `Message not found: "${messageId}"`, providerMessage }, itemIndex);
}

/** Errors that are already n8n's pass through; anything else is wrapped so n8n shows it properly. */
export function asNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}

const LABELS: Record<string, string> = {
	businessNumber: 'Business Number',
	contactNumber: 'Contact Number',
	contactNumbers: 'Contact Numbers',
	messageId: 'Message ID',
	sessionKey: 'Session Key',
	limit: 'Limit',
	'filters.contactNumber': 'Filters → Contact Number',
	'filters.startDate': 'Filters → Received After',
	'filters.endDate': 'Filters → Received Before',
	'filters.direction': 'Filters → Direction',
};

/** A parameter as the user sees it and as workflows name it: `"Contact Number" (contactNumber)`. */
export function parameterLabel(name: string): string {
	return LABELS[name] ? `"${LABELS[name]}" (${name})` : `"${name}"`;
}

export function inputError(node: INode, message: string, itemIndex?: number, description?: string): NodeOperationError {
	return new NodeOperationError(node, message, { itemIndex, description });
}

/** Picks a human-readable message out of any of the providers' error body shapes. */
export function messageFromBody(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim().slice(0, 500) || undefined;
	if (!body || typeof body !== 'object') return undefined;
	const b = body as Record<string, unknown>;
	const nested = b.error;
	if (nested && typeof nested === 'object') {
		const m = (nested as Record<string, unknown>).message;
		if (typeof m === 'string') return m;
	}
	for (const key of ['message', 'error', 'reason', 'detail', 'description']) {
		const v = b[key];
		if (typeof v === 'string' && v) return v;
		if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join('; ');
	}
	return undefined;
}
