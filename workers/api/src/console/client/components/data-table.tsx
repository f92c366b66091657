import type { Child } from "hono/jsx";

export type Column<T> = { header: string; cell: (row: T) => Child; numeric?: boolean };

type Props<T> = { caption: string; columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string; empty?: string };

/** A plain HTML table with a caption and column headers (scope="col"), scrolling sideways on narrow screens. */
export function DataTable<T>({ caption, columns, rows, rowKey, empty = "Nothing yet." }: Props<T>) {
  if (rows.length === 0) return <p class="empty">{`${caption}: ${empty}`}</p>;
  return (
    <div class="table-wrap" tabindex={0} role="region" aria-label={caption}>
      <table class="data">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" class={c.numeric ? "num" : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td class={c.numeric ? "num" : undefined}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
