import { inputError, parameterLabel } from '../errors';
import type { ApiClient } from './http';

/**
 * A user-given value (message id, session key) as one path segment of the documented endpoint. Encoding keeps
 * `/`, `?`, `#` and `%` inside the segment, but `.` and `..` are not encoded by anyone (URL parsers and proxies
 * resolve them), and an empty segment changes the endpoint: those are refused before any request.
 * `keep` lists characters left readable (2Chat writes `+` and `@` as they are).
 */
export function pathSegment(api: ApiClient, value: string, parameter: string, keep: string[] = []): string {
	if (value === '' || value === '.' || value === '..') {
		throw inputError(
			api.node,
			`Invalid value for ${parameterLabel(parameter)}: "${value}" cannot be used as an ID`,
			api.itemIndex,
			'An empty value, "." and ".." would change the address the request goes to.',
		);
	}
	let segment = encodeURIComponent(value);
	for (const ch of keep) segment = segment.split(encodeURIComponent(ch)).join(ch);
	return segment;
}
