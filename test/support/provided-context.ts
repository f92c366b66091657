// Values the global setups hand to the tests (`project.provide` there, `inject` here). Read by
// both tsconfigs: the setups run in Node, the tests in workerd.
declare module "vitest" {
  interface ProvidedContext {
    /** Base URL of the webhook receiver (webhook-receiver.ts): `${url}/<status>` answers that status. */
    webhookReceiver: string;
    /**
     * The GPU trainer and its relay (python-trainer.ts), or why it could not start (no torch).
     * The relay is the dispatcher's PUBLIC_URL as the trainer sees it.
     */
    pythonTrainer: { url: string; relay: string } | { error: string };
  }
}

export {};
