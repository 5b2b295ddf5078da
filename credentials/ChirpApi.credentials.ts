import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** A well-formed WhatsApp message id that no message has: `msg_wa_` and the nil KSUID (27 zeros). */
const CREDENTIAL_TEST_MESSAGE_ID = 'msg_wa_000000000000000000000000000';

export class ChirpApi implements ICredentialType {
	name = 'chirpApi';

	displayName = 'Chirp API';

	icon = { light: 'file:../icons/chirp.svg', dark: 'file:../icons/chirp.dark.svg' } as const;

	documentationUrl = 'https://docs.buildwithchirp.com/api_reference/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'sk_admin_...',
			description: 'An admin API key (sk_admin_…): message history is an organization-level read',
		},
		{
			displayName: 'App API Key',
			name: 'appApiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'sk_live_app_...',
			description:
				'Optional. An app API key (sk_live_app_… or sk_test_app_…): only the Chirp Instant Trigger needs it, because Chirp manages webhooks per app with the app key',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.buildwithchirp.com',
			description: 'The API host without a path. Change it only for a proxy or a test server.',
			hint: 'Keep the default unless your requests go through a proxy, or you try the node against a local test server (npm run start:n8n sets one up): the host only, no path',
		},
	];

	// A function rather than n8n's generic template: n8n evaluates a template as an expression on every request,
	// a fifth of its own work per page when a run pages through a long history.
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		// Webhook management (`/v1/webhooks`) is an app-level endpoint: it takes the app key when there is one.
		const url = `${String(requestOptions.baseURL ?? '')}${String(requestOptions.url ?? '')}`;
		const appKey = String(credentials.appApiKey ?? '');
		const key = appKey && /\/v1\/webhooks(?:[/?]|$)/.test(url) ? appKey : String(credentials.apiKey ?? '');
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${key}` } };
	}

	// Chirp documents only the single-message read (docs.buildwithchirp.com/api-reference/admin/get-v1organizationwhatsappmessages),
	// so the test reads one message whose id is well-formed (`msg_wa_` + a 27-character KSUID) and cannot exist (the nil
	// KSUID): 404 means the key was accepted, 401 that it was rejected. n8n's tester does not apply status rules to failed
	// requests in every version: the reply is read as a body (Chirp's documented `{error: {type}}`).
	test: ICredentialTestRequest = {
		request: {
			// A redirect is not followed: the key goes only to the Base URL's own host (n8n's helper would send
			// custom headers and bodies to another host).
			disableFollowRedirect: true,
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: `/v1/organization/whatsapp/messages/${CREDENTIAL_TEST_MESSAGE_ID}`,
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{ type: 'responseSuccessBody', properties: { key: 'error.type', value: 'authentication_error', message: 'Chirp rejected the API key (use an admin key, sk_admin_…)' } },
			{ type: 'responseSuccessBody', properties: { key: 'error.type', value: 'permission_error', message: 'Chirp rejected the API key (use an admin key, sk_admin_…)' } },
			{ type: 'responseSuccessBody', properties: { key: 'statusCode', value: 401, message: 'Chirp rejected the API key (use an admin key, sk_admin_…)' } },
			{ type: 'responseSuccessBody', properties: { key: 'error', value: 'Unauthorized', message: 'Chirp rejected the API key (use an admin key, sk_admin_…)' } },
			{ type: 'responseSuccessBody', properties: { key: 'error.type', value: 'api_error', message: 'Chirp could not answer (server error): try again later' } },
		],
	};
}
