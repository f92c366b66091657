import { unwrap } from "../api";
import type { ConsoleContext, ConsolePage } from "../context";
import { ItemList } from "./try-it/item-list";
import { TryForm } from "./try-it/try-form";
import "./try-it/try-it.css";

const text = (fields: FormData, name: string) => String(fields.get(name) ?? "").trim();

/**
 * Try it: search, recommend and predict against the tenant's own data, through the same public routes an
 * integration calls (read permission, so every role may try them). Items come with their titles (include=item).
 */
function TryIt({ ctx }: { ctx: ConsoleContext }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Try it</h1>
      <p>Calls count towards the tenant's usage like any other request.</p>
      <div class="try-grid">
        <TryForm
          id="search"
          title="Search"
          submitLabel="Search"
          run={async (fields) => {
            const q = text(fields, "q");
            const items = await unwrap(ctx.api.GET("/search", { params: { query: { q, k: 10, include: "item" } } }));
            return <ItemList label={`Search results for "${q}"`} items={items} />;
          }}
        >
          <label for="try-q">Query</label>
          <input id="try-q" name="q" type="search" required maxLength={256} placeholder="running shoes" />
        </TryForm>
        <TryForm
          id="recommend"
          title="Recommend"
          submitLabel="Recommend"
          run={async (fields) => {
            const user = text(fields, "user_id");
            const items = await unwrap(
              ctx.api.GET("/recommend/{user_id}", {
                params: { path: { user_id: user }, query: { k: 10, include: "item" } },
              }),
            );
            return <ItemList label={`Recommendations for ${user}`} items={items} />;
          }}
        >
          <label for="try-user">User id</label>
          <input id="try-user" name="user_id" required maxLength={256} placeholder="demo-user-1" />
        </TryForm>
        <TryForm
          id="predict"
          title="Predict a category"
          submitLabel="Predict"
          run={async (fields) => {
            const description = text(fields, "short_description");
            const p = await unwrap(
              ctx.api.POST("/api/v1/predict", {
                body: {
                  headline: text(fields, "headline"),
                  ...(description ? { short_description: description } : {}),
                },
              }),
            );
            return (
              <div class="prediction" data-testid="prediction">
                <p>
                  <strong>{p.category}</strong>
                  {` (confidence ${(p.confidence * 100).toFixed(1)}%, model ${p.model_version})`}
                </p>
                <ol aria-label="Top categories">
                  {p.top_categories.map((c) => (
                    <li>{`${c.category}: ${(c.confidence * 100).toFixed(1)}%`}</li>
                  ))}
                </ol>
              </div>
            );
          }}
        >
          <label for="try-headline">Headline</label>
          <input id="try-headline" name="headline" required maxLength={500} placeholder="Stocks rally as rates fall" />
          <label for="try-description">Short description (optional)</label>
          <textarea id="try-description" name="short_description" rows={2} maxLength={2000} />
        </TryForm>
      </div>
    </section>
  );
}

export const page: ConsolePage = { path: "/app/try-it", title: "Try it", Component: ({ ctx }) => <TryIt ctx={ctx} /> };
