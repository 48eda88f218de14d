/**
 * Webhooks: endpoints a key registers (kept in the store, `store/webhooks.ts`), the checks of
 * their targets (`target.ts`) and the worker that delivers the outbox (`delivery.ts`).
 */
export { checkWebhookTarget, createWebhookDispatcher, parseWebhookUrl } from './target.js'
export { sendSigned } from './delivery.js'
