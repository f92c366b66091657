import { localEncoderVersion, LOCAL_ENCODER_DIMENSIONS } from "@edge-ml/core/text/hashed-encoder";
import type { TextEncoderObject } from "../objects/text-encoder";

/** Turns texts into vectors of the text index's size; `version` names the encoder honestly. */
export interface TextEncoder {
  readonly version: string;
  readonly dimensions: number;
  /** Queries and ad-hoc texts: nothing is learned from them. */
  encode(texts: string[]): Promise<number[][]>;
  /** Catalogue items, as they are ingested: an encoder that learns from the catalogue does so here. */
  embedDocuments(docs: { id: string; text: string }[]): Promise<number[][]>;
}

/** What choosing a text encoder needs; both the api and the ingest worker bind it. */
export type TextBackendEnv = {
  TEXT_ENCODER_BACKEND: string;
  TEXT_ENCODER_MODEL: string;
  TEXT_ENCODER: DurableObjectNamespace | DurableObjectNamespace<TextEncoderObject>;
  /** Bound in the api; in the ingest worker only once added for Workers AI (its wrangler.toml says why). */
  AI?: Ai;
};

/** The local stand-in: the tenant's hashed n-gram encoder (its IDF learned from its catalogue). */
export class LocalTextEncoder implements TextEncoder {
  readonly version = localEncoderVersion(LOCAL_ENCODER_DIMENSIONS);
  readonly dimensions = LOCAL_ENCODER_DIMENSIONS;

  constructor(
    private readonly binding: DurableObjectNamespace | DurableObjectNamespace<TextEncoderObject>,
    private readonly tenantId: string,
  ) {}

  private stub() {
    // `wrangler types` cannot see a class of another script: the binding is typed here.
    const ns = this.binding as unknown as DurableObjectNamespace<TextEncoderObject>;
    return ns.get(ns.idFromName(this.tenantId));
  }

  async encode(texts: string[]): Promise<number[][]> {
    return (await this.stub().encode(texts)).vectors;
  }

  /** Counts each new item once in the tenant's IDF, then encodes. */
  async embedDocuments(docs: { id: string; text: string }[]): Promise<number[][]> {
    return (await this.stub().learnAndEncode(docs)).vectors;
  }
}

/** Workers AI's documented text embedding models and their sizes. */
export const WORKERS_AI_MODELS: Record<string, number> = {
  "@cf/baai/bge-small-en-v1.5": 384,
  "@cf/baai/bge-base-en-v1.5": 768,
  "@cf/baai/bge-large-en-v1.5": 1024,
};

/** Texts per Workers AI call (the bge models take a batch of up to 100). */
export const WORKERS_AI_BATCH = 100;

/** Production: a bge model on Workers AI. Tenant-independent (a pretrained encoder). */
export class WorkersAiTextEncoder implements TextEncoder {
  readonly dimensions: number;

  constructor(
    private readonly ai: Pick<Ai, "run">,
    readonly version: string,
  ) {
    const dims = WORKERS_AI_MODELS[version];
    if (dims === undefined) {
      throw new Error(`TEXT_ENCODER_MODEL must be one of ${Object.keys(WORKERS_AI_MODELS).join(", ")}`);
    }
    this.dimensions = dims;
  }

  async encode(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += WORKERS_AI_BATCH) {
      const batch = texts.slice(i, i + WORKERS_AI_BATCH);
      const result = (await this.ai.run(this.version as never, { text: batch } as never)) as { data?: number[][] };
      const data = result.data;
      if (!Array.isArray(data) || data.length !== batch.length || data.some((v) => v.length !== this.dimensions)) {
        throw new Error(`${this.version} returned ${data?.length ?? "no"} vectors for ${batch.length} texts`);
      }
      out.push(...data);
    }
    return out;
  }

  /** A pretrained model learns nothing from the catalogue. */
  embedDocuments(docs: { id: string; text: string }[]): Promise<number[][]> {
    return this.encode(docs.map((d) => d.text));
  }
}

/** The encoder the configuration names (`TEXT_ENCODER_BACKEND`). */
export function textEncoderFor(env: TextBackendEnv, tenantId: string): TextEncoder {
  if (env.TEXT_ENCODER_BACKEND === "workers-ai") {
    if (!env.AI) throw new Error('TEXT_ENCODER_BACKEND is "workers-ai" but this worker has no [ai] binding "AI"');
    return new WorkersAiTextEncoder(env.AI, env.TEXT_ENCODER_MODEL);
  }
  if (env.TEXT_ENCODER_BACKEND !== "local") {
    throw new Error(`TEXT_ENCODER_BACKEND must be "local" or "workers-ai", not "${env.TEXT_ENCODER_BACKEND}"`);
  }
  return new LocalTextEncoder(env.TEXT_ENCODER, tenantId);
}
