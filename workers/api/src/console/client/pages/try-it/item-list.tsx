// The ranked items an answer carries, by title (include=item), with the id and score beside it: what a
// tenant recognises is its own catalogue's titles, not product ids.
export type RankedItem = {
  product_id: string;
  score: number;
  title?: string;
  category?: string | null;
  reason?: string;
};

export function ItemList({ label, items }: { label: string; items: RankedItem[] }) {
  if (items.length === 0) return <p class="empty">{`${label}: no items.`}</p>;
  return (
    <ol class="item-list" aria-label={label} data-testid="try-it-items">
      {items.map((item) => (
        <li>
          <span class="item-title">{item.title ?? "(no title)"}</span>
          <span class="item-meta">
            {[item.category, item.product_id, `score ${item.score.toFixed(3)}`].filter(Boolean).join(" · ")}
          </span>
          {item.reason && <span class="item-reason">{item.reason}</span>}
        </li>
      ))}
    </ol>
  );
}
