/** Dense index per external id (user or item id strings), in first-seen order. */
export class IdIndex {
  private readonly byId = new Map<string, number>();
  readonly ids: string[] = [];

  /** The index of `id`, assigning the next one if it is new. */
  add(id: string): number {
    let i = this.byId.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.byId.set(id, i);
      this.ids.push(id);
    }
    return i;
  }

  get(id: string): number | undefined {
    return this.byId.get(id);
  }

  id(index: number): string {
    const id = this.ids[index];
    if (id === undefined) throw new RangeError(`no id at index ${index}`);
    return id;
  }

  get size(): number {
    return this.ids.length;
  }
}
