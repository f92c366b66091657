/** The text an item is embedded from: what a shopper would read about it. */
export function itemText(item: {
  title: string;
  description: string;
  category: string | null;
  tags: string[];
}): string {
  return [item.title, item.description, item.category?.replace(/-/g, " ") ?? "", item.tags.join(" ")].join("\n");
}
