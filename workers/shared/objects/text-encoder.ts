import { DurableObject } from "cloudflare:workers";
import {
  encode,
  learnIdf,
  localEncoderVersion,
  LOCAL_ENCODER_DIMENSIONS,
  type IdfModel,
} from "@edge-ml/core/text/hashed-encoder";

/**
 * The local stand-in for Workers AI's text embeddings, one object per tenant: the hashed
 * n-gram encoder with an IDF learned from the tenant's own catalogue. Each item counts once
 * in the document frequencies (the first time its id is seen; an edited item keeps its first
 * count, a drift the periodic re-embedding of the serving issue will correct). Hosted by the
 * ingest worker (which embeds items as they arrive), bound cross-script by the api (which
 * encodes queries); it uses no binding, hence `DurableObject<unknown>`.
 */
export class TextEncoderObject extends DurableObject<unknown> {
  private model: IdfModel;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS counted (id TEXT PRIMARY KEY)");
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS model (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    const stored = ctx.storage.sql.exec<{ v: string }>("SELECT v FROM model WHERE k = 'idf'").toArray()[0];
    this.model = stored ? (JSON.parse(stored.v) as IdfModel) : learnIdf([], LOCAL_ENCODER_DIMENSIONS);
  }

  /** Adds new documents to the IDF, then encodes every text with it. */
  learnAndEncode(docs: { id: string; text: string }[]): { version: string; vectors: number[][] } {
    const fresh = docs.filter(
      (d) => this.ctx.storage.sql.exec("INSERT OR IGNORE INTO counted (id) VALUES (?)", d.id).rowsWritten > 0,
    );
    if (fresh.length > 0) {
      const added = learnIdf(
        fresh.map((d) => d.text),
        this.model.dimensions,
      );
      this.model = {
        dimensions: this.model.dimensions,
        documents: this.model.documents + added.documents,
        df: this.model.df.map((n, i) => n + added.df[i]!),
      };
      this.ctx.storage.sql.exec("INSERT OR REPLACE INTO model (k, v) VALUES ('idf', ?)", JSON.stringify(this.model));
    }
    return { version: this.version(), vectors: docs.map((d) => Array.from(encode(d.text, this.model))) };
  }

  /** Encodes without learning (queries). */
  encode(texts: string[]): { version: string; vectors: number[][] } {
    return { version: this.version(), vectors: texts.map((t) => Array.from(encode(t, this.model))) };
  }

  private version(): string {
    return localEncoderVersion(this.model.dimensions);
  }

  documents(): number {
    return this.model.documents;
  }
}
