import OpenAI from 'openai';

export const OPENAI_API_URL = 'https://api.openai.com/v1';

export interface OpenAiConnection {
  apiKey?: string;
  /** Any OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp); OpenAI's own when unset. */
  baseURL?: string;
  fetch?: typeof fetch;
}

/**
 * The client with everything explicit: no environment lookups (the SDK would read
 * OPENAI_BASE_URL and friends itself), no SDK retries (ResiliencePolicy retries) and no SDK
 * log lines. Local servers take any key, so one is made up when none is set.
 */
export function openAiClient(c: OpenAiConnection): OpenAI {
  return new OpenAI({
    apiKey: c.apiKey || 'not-needed',
    baseURL: c.baseURL ?? OPENAI_API_URL,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    // The policy sets the real budget per call; this only backs it up.
    timeout: 10 * 60_000,
    logLevel: 'off',
    ...(c.fetch ? { fetch: c.fetch } : {}),
  });
}

/** True when the client talks to OpenAI itself rather than a compatible server. */
export function isOpenAi(baseURL: string | undefined): boolean {
  return !baseURL || new URL(baseURL).hostname === 'api.openai.com';
}
