import { isEmbeddedModel } from '../providers/embeddings/models';
import { configSchema, type Config } from './schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the whole environment and reports every bad value by name, not just the first. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set": `FOO=` in a .env file should select the default.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') cleaned[k] = v;
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? 'config');
      const value = cleaned[name];
      const shown = value === undefined ? '' : ` (got "${isSecret(name) ? '***' : value}")`;
      return `${name} ${i.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const config = parsed.data;
  const problems: string[] = [];
  if (config.UPSTASH_REDIS_REST_URL && !config.UPSTASH_REDIS_REST_TOKEN) {
    problems.push('UPSTASH_REDIS_REST_TOKEN must be set when UPSTASH_REDIS_REST_URL is');
  }
  if (config.REDIS_URL && /^https?:/.test(config.REDIS_URL) && !config.UPSTASH_REDIS_REST_TOKEN) {
    problems.push('REDIS_URL is an https:// (Upstash REST) URL, so UPSTASH_REDIS_REST_TOKEN must be set too');
  }
  if (!isEmbeddedModel(config.EMBEDDING_MODEL) && !config.OPENAI_API_KEY && !config.OPENAI_BASE_URL) {
    problems.push(`EMBEDDING_MODEL=${config.EMBEDDING_MODEL} needs OPENAI_API_KEY (or OPENAI_BASE_URL for an OpenAI-compatible server)`);
  }
  if (config.INTENT_MODEL && !config.HF_TOKEN && !config.HF_ENDPOINT_URL) {
    problems.push(
      `INTENT_MODEL=${config.INTENT_MODEL} needs HF_TOKEN (the Hugging Face Inference API) or HF_ENDPOINT_URL (a dedicated Inference Endpoint or a TEI server)`,
    );
  }
  if (config.HF_ENDPOINT_URL && !config.INTENT_MODEL) {
    problems.push('HF_ENDPOINT_URL is set but INTENT_MODEL is not: name the model the endpoint serves (intents are attributed to it)');
  }
  const s3 = { S3_ENDPOINT: config.S3_ENDPOINT, S3_BUCKET: config.S3_BUCKET, S3_ACCESS_KEY_ID: config.S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: config.S3_SECRET_ACCESS_KEY };
  const unsetS3 = Object.keys(s3).filter((k) => !s3[k as keyof typeof s3]);
  if (unsetS3.length && unsetS3.length < 4) problems.push(`S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: ${unsetS3.join(', ')} ${unsetS3.length > 1 ? 'are' : 'is'} missing`);
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function isSecret(name: string): boolean {
  return /KEY|TOKEN|DSN|PASSWORD|SECRET/.test(name) || name === 'POSTGRES_URL' || name === 'REDIS_URL';
}
