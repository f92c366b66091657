import { useState } from "hono/jsx/dom";
import { EdgeMlError, unwrap, type components } from "../api";
import { Button, ConfirmDialog, CopyButton, DataTable, ErrorBanner, Loading, useLoad } from "../components";
import type { ConsoleContext, ConsolePage } from "../context";

type Key = components["schemas"]["ApiKey"];
type Permission = Key["permissions"][number];

const when = (iso: string | null) => (iso ? iso.replace("T", " ").slice(0, 16) + " UTC" : "never");

/** The secret of a key just created: shown once, with a copy button; the list only ever shows prefixes. */
function NewSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <div class="secret" role="region" aria-labelledby="secret-title">
      <h2 id="secret-title">{`Key "${name}" created`}</h2>
      <p>Copy the secret now: it is shown only this once and cannot be recovered.</p>
      <p class="secret-row">
        <code data-testid="new-secret">{secret}</code>
        <CopyButton text={secret} label="Copy the new key's secret" />
      </p>
      <Button variant="primary" onClick={onDone}>
        Done, I have copied it
      </Button>
    </div>
  );
}

function CreateForm({
  ctx,
  onCreated,
}: {
  ctx: ConsoleContext;
  onCreated: (k: { name: string; key: string }) => void;
}) {
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const permissions = data.getAll("permissions").map(String) as Permission[];
    setError(undefined);
    try {
      const created = await unwrap(
        ctx.api.POST("/api/v1/api-keys", {
          body: {
            name: String(data.get("name")),
            permissions,
            environment: data.get("environment") === "test" ? "test" : "live",
          } as never,
        }),
      );
      form.reset();
      onCreated(created);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="card" onSubmit={(e: Event) => void submit(e)} aria-labelledby="create-title">
      <h2 id="create-title">Create a key</h2>
      <label for="key-name">Name</label>
      <input id="key-name" name="name" required maxLength={100} />
      <fieldset>
        <legend>Permissions</legend>
        {(["read", "write", "admin"] as const).map((p) => (
          <label class="check">
            <input type="checkbox" name="permissions" value={p} checked={p !== "admin"} />
            {p}
          </label>
        ))}
      </fieldset>
      <label for="key-env">Environment</label>
      <select id="key-env" name="environment">
        <option value="live">live (sk_live_…)</option>
        <option value="test">test (sk_test_…)</option>
      </select>
      <ErrorBanner error={error} />
      <Button type="submit" variant="primary">
        Create key
      </Button>
    </form>
  );
}

/** API keys: create (secret once), list by prefix with last use, revoke after a confirmation. Admins only, as the API is. */
function Keys({ ctx }: { ctx: ConsoleContext }) {
  const keys = useLoad(() => unwrap(ctx.api.GET("/api/v1/api-keys")).then((l) => l.keys));
  const [created, setCreated] = useState<{ name: string; key: string } | undefined>(undefined);
  const [revoking, setRevoking] = useState<Key | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const forbidden = keys.error instanceof EdgeMlError && keys.error.status === 403;

  const revoke = async (key: Key) => {
    setRevoking(undefined);
    try {
      await unwrap(ctx.api.DELETE("/api/v1/api-keys/{id}", { params: { path: { id: key.id } } }));
      keys.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">API keys</h1>
      {forbidden ? (
        <p class="note">Only a tenant admin can see and manage API keys.</p>
      ) : (
        <>
          {created && <NewSecret name={created.name} secret={created.key} onDone={() => setCreated(undefined)} />}
          {ctx.canWrite && !created && (
            <CreateForm
              ctx={ctx}
              onCreated={(k) => {
                setCreated(k);
                keys.reload();
              }}
            />
          )}
          <ErrorBanner error={error ?? keys.error} />
          {keys.loading && !keys.data && <Loading what="keys" />}
          {keys.data && (
            <DataTable
              caption="Keys, newest first"
              rows={keys.data}
              rowKey={(k) => k.id}
              columns={[
                { header: "Name", cell: (k) => k.name },
                { header: "Prefix", cell: (k) => <code>{`${k.key_prefix}…`}</code> },
                { header: "Permissions", cell: (k) => k.permissions.join(", ") },
                { header: "Status", cell: (k) => k.status },
                { header: "Created", cell: (k) => when(k.created_at) },
                { header: "Last used", cell: (k) => when(k.last_used_at) },
                ...(ctx.canWrite
                  ? [
                      {
                        header: "Actions",
                        cell: (k: Key) =>
                          k.status === "active" ? (
                            <Button
                              variant="danger"
                              onClick={() => setRevoking(k)}
                              label={`Revoke key ${k.name} (${k.key_prefix})`}
                            >
                              Revoke
                            </Button>
                          ) : (
                            ""
                          ),
                      },
                    ]
                  : []),
              ]}
            />
          )}
        </>
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke this key?"
          confirmLabel="Revoke key"
          onCancel={() => setRevoking(undefined)}
          onConfirm={() => void revoke(revoking)}
        >
          <p>
            {`"${revoking.name}" (${revoking.key_prefix}…) stops working at once, for every client using it. This cannot be undone.`}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

export const page: ConsolePage = { path: "/app/keys", title: "API keys", Component: Keys };
