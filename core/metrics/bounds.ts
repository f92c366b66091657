import { MAX_TENANTS, OTHER_TENANT, type Family } from "./families";

/**
 * The tenant bound of tenant-labelled families: the first MAX_TENANTS tenants seen keep their
 * own series; every later tenant is summed under OTHER_TENANT, so a platform with many tenants
 * costs at most (MAX_TENANTS + 1) series per label combination.
 */
export class TenantBound {
  private readonly known: Set<string>;

  constructor(
    known: Iterable<string>,
    private readonly cap = MAX_TENANTS,
  ) {
    this.known = new Set(known);
  }

  /** The label to use for `tenant`, and whether it is newly admitted (to be stored). */
  label(tenant: string): { label: string; admitted: boolean } {
    if (this.known.has(tenant)) return { label: tenant, admitted: false };
    if (this.known.size >= this.cap) return { label: OTHER_TENANT, admitted: false };
    this.known.add(tenant);
    return { label: tenant, admitted: true };
  }

  /** The family's labels with its tenant_id (if any) bounded; `admit` sees each newly admitted tenant. */
  bound(family: Family, labels: string[], admit: (tenant: string) => void): string[] {
    const i = family.labels.indexOf("tenant_id");
    if (i < 0 || labels[i] === undefined) return labels;
    const { label, admitted } = this.label(labels[i]!);
    if (admitted) admit(label);
    if (label === labels[i]) return labels;
    const out = [...labels];
    out[i] = label;
    return out;
  }
}
