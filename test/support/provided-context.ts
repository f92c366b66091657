// Values the global setups hand to the tests (`project.provide` there, `inject` here). Read by
// both tsconfigs: the setups run in Node, the tests in workerd.
declare module "vitest" {
  interface ProvidedContext {
    /** Base URL of the webhook receiver (webhook-receiver.ts): `${url}/<status>` answers that status. */
    webhookReceiver: string;
  }
}

export {};
