import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class DoubleTickApi implements ICredentialType {
	name = 'doubleTickApi';

	displayName = 'DoubleTick API';

	icon = { light: 'file:../icons/doubletick.svg', dark: 'file:../icons/doubletick.dark.svg' } as const;

	documentationUrl = 'https://docs.doubletick.io/docs/get-chat-messages-1';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'key_...',
			description: 'Your DoubleTick public API key (DoubleTick app → Settings → API)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://public.doubletick.io',
			description: 'The API host without a path. Change it only for a proxy or a test server.',
			hint: 'Keep the default unless your requests go through a proxy, or you try the node against a local test server (npm run start:n8n sets one up): the host only, no path',
		},
	];

	// The raw key, no "Bearer".
	// A function rather than n8n's generic template: n8n evaluates a template as an expression on every request,
	// a fifth of its own work per page when a run pages through a long history.
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: String(credentials.apiKey ?? '') } };
	}

	// DoubleTick has no parameterless read: the cheapest read without parameters answers "missing parameter"
	// (400) to an accepted key and 401 to a rejected one. The error body is read as a reply so 400 passes.
	test: ICredentialTestRequest = {
		request: {
			// A redirect is not followed: the key goes only to the Base URL's own host (n8n's helper would send
			// custom headers and bodies to another host).
			disableFollowRedirect: true,
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/chat-messages',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{ type: 'responseSuccessBody', properties: { key: 'statusCode', value: 401, message: 'DoubleTick rejected the API key' } },
			{ type: 'responseSuccessBody', properties: { key: 'statusCode', value: 403, message: 'DoubleTick rejected the API key' } },
			{ type: 'responseSuccessBody', properties: { key: 'error', value: 'Unauthorized', message: 'DoubleTick rejected the API key' } },
			{ type: 'responseSuccessBody', properties: { key: 'statusCode', value: 404, message: 'DoubleTick answered 404: check the Base URL' } },
			{ type: 'responseSuccessBody', properties: { key: 'statusCode', value: 500, message: 'DoubleTick could not answer (server error): try again later' } },
			{ type: 'responseSuccessBody', properties: { key: 'statusCode', value: 502, message: 'DoubleTick could not answer (server error): try again later' } },
			{ type: 'responseSuccessBody', properties: { key: 'statusCode', value: 503, message: 'DoubleTick could not answer (server error): try again later' } },
		],
	};
}
