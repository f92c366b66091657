import { useState } from "hono/jsx/dom";
import { EdgeMlError, unwrap, type components } from "../api";
import { Button, ConfirmDialog, DataTable, ErrorBanner, Loading, useLoad, type Loaded } from "../components";
import type { ConsoleContext, ConsolePage } from "../context";

type DeadLetter = components["schemas"]["DeadLetter"];
type Partition = { date: string; row_count: number; size_bytes: number; files: unknown[] };

const when = (iso: string | null | undefined) => (iso ? iso.replace("T", " ").slice(0, 19) + " UTC" : "—");
const forbidden = (l: Loaded<unknown>) => l.error instanceof EdgeMlError && l.error.status === 403;
const ADMINS_ONLY = "Visible to tenant admins only.";

/**
 * An item and its embedding's state: GET /api/v1/items/{id} (as ingested) and
 * GET /api/v1/items/{id}/embedding (the vector, or 404 while none is indexed yet). The API lists
 * no items, so the page looks one up by id.
 */
function ItemLookup({ ctx }: { ctx: ConsoleContext }) {
  const [result, setResult] = useState<{ id: string; item: string; embedding: string } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const lookUp = async (e: Event) => {
    e.preventDefault();
    const id = String(new FormData(e.target as HTMLFormElement).get("item_id")).trim();
    setError(undefined);
    const path = { params: { path: { item_id: id } } };
    const [item, vector] = await Promise.all([
      ctx.api.GET("/api/v1/items/{item_id}", path),
      ctx.api.GET("/api/v1/items/{item_id}/embedding", path),
    ]);
    const failed = [item, vector].find((r) => !r.data && r.response.status !== 404);
    if (failed) return setError(new Error(`Lookup failed: HTTP ${failed.response.status}`));
    setResult({
      id,
      item: item.data
        ? `"${item.data.title}" (${item.data.category ?? "no category"}, updated ${when(item.data.updated_at)})`
        : "not in the catalogue",
      embedding: vector.data
        ? `embedded (${vector.data.dimension} dimensions, ${vector.data.model_version})`
        : "no embedding (unknown item, or not indexed yet)",
    });
  };
  return (
    <div>
      <form class="inline" onSubmit={(e: Event) => void lookUp(e)}>
        <label for="item-id">Item id</label>
        <input id="item-id" name="item_id" required maxLength={256} />
        <Button type="submit">Look up</Button>
      </form>
      <ErrorBanner error={error} />
      {result && (
        <div role="status" data-testid="item-state">
          <dl class="item-state">
            <dt>Item</dt>
            <dd>{`${result.id}: ${result.item}`}</dd>
            <dt>Embedding</dt>
            <dd>{result.embedding}</dd>
          </dl>
        </div>
      )}
    </div>
  );
}

function Partitions({ ctx }: { ctx: ConsoleContext }) {
  const catalog = useLoad(async () => {
    const { data, response } = await ctx.api.GET("/api/v1/training-data/catalog");
    if (response.status === 404) return { data_version: "none", partitions: [] as Partition[] };
    if (!data) throw new EdgeMlError(response.status, undefined);
    return data as unknown as { data_version: string; partitions: Partition[] };
  });
  if (catalog.loading) return <Loading what="training data" />;
  if (catalog.error) return <ErrorBanner error={catalog.error} />;
  return (
    <>
      <p>{`Data version ${catalog.data!.data_version}.`}</p>
      <DataTable
        caption="Training-data partitions (one per day of events)"
        rows={catalog.data!.partitions}
        rowKey={(p) => p.date}
        empty="no events ingested yet."
        columns={[
          { header: "Day", cell: (p) => p.date },
          { header: "Rows", cell: (p) => p.row_count.toLocaleString("en"), numeric: true },
          { header: "Files", cell: (p) => String(p.files.length), numeric: true },
          { header: "Size (KiB)", cell: (p) => (p.size_bytes / 1024).toFixed(1), numeric: true },
        ]}
      />
    </>
  );
}

function DeadLetters({ ctx }: { ctx: ConsoleContext }) {
  const letters = useLoad(() =>
    unwrap(ctx.api.GET("/api/v1/admin/dead-letters", { params: { query: { limit: 50 } } })),
  );
  const [replaying, setReplaying] = useState<DeadLetter | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  // Replay is an admin's action, as the list is: only admins ever see the button.
  const canReplay = ctx.canWrite && ctx.user.role === "admin";
  if (forbidden(letters)) return <p class="note">{ADMINS_ONLY}</p>;
  const replay = async (d: DeadLetter) => {
    setReplaying(undefined);
    try {
      await unwrap(ctx.api.POST("/api/v1/admin/dead-letters/{id}/replay", { params: { path: { id: d.id } } }));
      letters.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      {letters.loading && !letters.data && <Loading what="dead letters" />}
      <ErrorBanner error={error ?? letters.error} />
      {letters.data && (
        <DataTable
          caption={`Dead letters (${letters.data.total})`}
          rows={letters.data.dead_letters}
          rowKey={(d) => d.id}
          empty="none: every ingest message was processed."
          columns={[
            { header: "Received", cell: (d) => when(d.received_at) },
            { header: "Queue", cell: (d) => d.queue },
            { header: "Attempts", cell: (d) => String(d.attempts), numeric: true },
            { header: "Replayed", cell: (d) => when(d.replayed_at) },
            ...(canReplay
              ? [
                  {
                    header: "Actions",
                    cell: (d: DeadLetter) => (
                      <Button onClick={() => setReplaying(d)} label={`Replay dead letter ${d.id}`}>
                        Replay
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {replaying && (
        <ConfirmDialog
          title="Replay this message?"
          confirmLabel="Replay"
          onCancel={() => setReplaying(undefined)}
          onConfirm={() => void replay(replaying)}
        >
          <p>{`It is sent through the ingest queue again (received ${when(replaying.received_at)}).`}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function AbuseFlags({ ctx }: { ctx: ConsoleContext }) {
  const flags = useLoad(() => unwrap(ctx.api.GET("/api/v1/abuse/flags", { params: { query: { limit: 50 } } })));
  if (forbidden(flags)) return <p class="note">{ADMINS_ONLY}</p>;
  if (flags.loading) return <Loading what="abuse flags" />;
  if (flags.error) return <ErrorBanner error={flags.error} />;
  return (
    <DataTable
      caption={`Abuse flags (${flags.data!.total})`}
      rows={flags.data!.flags}
      rowKey={(f) => f.id}
      empty="none raised."
      columns={[
        { header: "When", cell: (f) => when(f.created_at) },
        { header: "Kind", cell: (f) => f.kind.replace(/_/g, " ") },
        { header: "Client", cell: (f) => f.client },
        { header: "Endpoint", cell: (f) => f.endpoint },
      ]}
    />
  );
}

/** The tenant's data: items' embedding state, training-data partitions, dead letters (with replay), abuse flags. */
function Data({ ctx }: { ctx: ConsoleContext }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Data</h1>
      <h2>Items and their embeddings</h2>
      <ItemLookup ctx={ctx} />
      <h2>Training data</h2>
      <Partitions ctx={ctx} />
      <h2>Dead letters</h2>
      <DeadLetters ctx={ctx} />
      <h2>Abuse flags</h2>
      <AbuseFlags ctx={ctx} />
    </section>
  );
}

export const page: ConsolePage = { path: "/app/data", title: "Data", Component: Data };
