import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class TwoChatApi implements ICredentialType {
	name = 'twoChatApi';

	displayName = '2Chat API';

	icon = { light: 'file:../icons/twochat.svg', dark: 'file:../icons/twochat.dark.svg' } as const;

	documentationUrl = 'https://developers.2chat.co/docs/API/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your 2Chat API key (2Chat app → Developers → API Access)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.p.2chat.io',
			description: 'The API host without a path. Change it only for a proxy or a test server.',
			hint: 'Keep the default unless your requests go through a proxy, or you try the node against a local test server (npm run start:n8n sets one up): the host only, no path',
		},
	];

	// A function rather than n8n's generic template: n8n evaluates a template as an expression on every request,
	// a fifth of its own work per page when a run pages through a long history.
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return { ...requestOptions, headers: { ...requestOptions.headers, 'X-User-API-Key': String(credentials.apiKey ?? '') } };
	}

	// n8n's tester does not apply status rules to failed requests in every version: the reply is read as a body
	// (2Chat answers failures with `success: false`) so the user gets this fixed message.
	test: ICredentialTestRequest = {
		// A redirect is not followed: the key goes only to the Base URL's own host.
		request: { baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}', url: '/open/info', ignoreHttpStatusErrors: true, disableFollowRedirect: true },
		rules: [
			{ type: 'responseSuccessBody', properties: { key: 'success', value: false, message: '2Chat rejected the API key' } },
			{ type: 'responseSuccessBody', properties: { key: 'statusCode', value: 401, message: '2Chat rejected the API key' } },
			{ type: 'responseSuccessBody', properties: { key: 'error', value: 'Unauthorized', message: '2Chat rejected the API key' } },
		],
	};
}
