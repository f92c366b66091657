import { experimental_readRawConfig } from "wrangler";

/** The parts of a raw wrangler config the scripts read (the deploy, the local configs). */
export type RawConfig = {
  name: string;
  vars?: Record<string, unknown>;
  secrets?: { required?: string[] };
  d1_databases?: { binding: string; database_name: string; database_id?: string; migrations_dir?: string }[];
  r2_buckets?: { bucket_name: string }[];
  queues?: { producers?: { queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string }[] };
  vectorize?: { binding: string; index_name: string }[];
  durable_objects?: { bindings?: { script_name?: string }[] };
  services?: { service: string }[];
  [key: string]: unknown;
};

/**
 * A wrangler config as wrangler itself parses it (TOML or JSON), before defaults and checks:
 * no TOML parser of our own to disagree with wrangler's. `experimental_` but pinned with wrangler.
 */
export function readConfig(path: string): RawConfig {
  return (experimental_readRawConfig({ config: path }) as { rawConfig: RawConfig }).rawConfig;
}
