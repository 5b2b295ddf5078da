// The instant triggers' core, as the provider folders use it: registration lifecycle, delivery handling, and the
// types a provider's webhook adapter implements.
export { sameSecret } from './authenticate';
export { DEFAULT_GAP_CHECK_MINUTES } from './catchUp';
export { receive } from './receive';
export { checkExists, create, remove } from './registration';
export type { Delivery, EventChoice, InstantState, RegisterResult, SecretCarrier, StoredRegistration, WebhookAdapter, WebhookInput } from './types';
