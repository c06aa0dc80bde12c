import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../edge/config/load';
import { describeProviders } from '../../../edge/wiring/describe';
import { configSchema } from '../../../edge/config/schema';

describe('configuration', () => {
  it('runs fully embedded with nothing set', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8787);
    expect(c.DATA_DIR).toBe('.data');
    expect(c.RAG_TOP_K).toBe(20);
    expect(describeProviders(c)).toMatchObject({ llm: 'local extractive answerer', vectors: 'pgvector in PGlite', sessions: 'in memory (one process only)' });
  });

  it('treats empty values as unset and coerces numbers', () => {
    const c = loadConfig({ PORT: '', RAG_TOP_K: ' 8 ', LLM_TEMPERATURE: '0.7' });
    expect(c.PORT).toBe(8787);
    expect(c.RAG_TOP_K).toBe(8);
    expect(c.LLM_TEMPERATURE).toBe(0.7);
  });

  it('reports every bad value by name, hiding secrets', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', RAG_TOP_K: '0', LLM_TEMPERATURE: '3', QDRANT_URL: 'localhost:6333', REDIS_URL: 'localhost:6379', POSTGRES_URL: 'mysql://u:secret@h/db' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const name of ['PORT', 'RAG_TOP_K', 'LLM_TEMPERATURE', 'QDRANT_URL', 'REDIS_URL', 'POSTGRES_URL']) expect(msg).toContain(name);
    expect(msg).toContain('must be a number');
    expect(msg).toContain('must be at least 1');
    expect(msg).not.toContain('secret');
  });

  it('says which implementation serves each job once a provider is configured', () => {
    const d = describeProviders(loadConfig({ OPENAI_API_KEY: 'sk-test', COHERE_API_KEY: 'co-test', POSTGRES_URL: 'postgres://u:secret@db.example:5432/app' }));
    expect(d.llm).toMatch(/^OpenAI gpt-4o-mini.*falls back to the local extractive answerer/);
    expect(d.rerank).toMatch(/Cohere/);
    expect(d.db).toBe('PostgreSQL at db.example:5432');
    expect(JSON.stringify(d)).not.toContain('secret');
  });

  it('documents every setting in .env.example, and nothing else', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    const names = [...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    expect(names).toEqual(Object.keys(configSchema.shape).sort());
    // and the documented defaults are valid values
    const values = Object.fromEntries([...example.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(() => loadConfig(values)).not.toThrow();
  });
});
