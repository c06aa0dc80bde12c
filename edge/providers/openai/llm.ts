/**
 * Answers with an OpenAI chat model (or any OpenAI-compatible server), streamed. The model
 * may call the shop's live-data tools a few rounds before it answers; what they find is
 * streamed as `source` parts numbered after the request's sources, and citations of
 * anything else are dropped from the text (CitationGuard).
 */
import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { AnswerPart, AnswerRequest, Llm, Logger } from '../../core/ports';
import { describeError } from '../../core/resilience/errors';
import type { ResiliencePolicy } from '../../core/resilience/policy';
import { withIdleTimeout, withTimeout, type IdleTimeouts } from '../../core/resilience/timeout';
import { CitationGuard } from '../../core/citations';
import { systemPrompt, toolResultMessage, userMessage } from './prompt';
import { runTool, TOOL_DEFINITIONS, type ToolOutcome } from './tools';

export interface OpenAiLlmOptions {
  client: OpenAI;
  model: string;
  temperature: number;
  maxTokens: number;
  policy: ResiliencePolicy;
  log: Logger;
  /**
   * Send `max_tokens` instead of `max_completion_tokens`: OpenAI's newer models accept only
   * the latter, while some OpenAI-compatible servers know only the former.
   */
  legacyMaxTokens?: boolean;
  /** Longest waits for the first streamed chunk and between chunks. */
  idle?: IdleTimeouts;
  /** Rounds of tool calls before the model must answer. */
  maxToolRounds?: number;
  toolTimeoutMs?: number;
}

/** Tool calls honoured in one round; more are told to wait. */
const MAX_CALLS_PER_ROUND = 4;

export class EmptyAnswerError extends Error {
  constructor(model: string) {
    super(`${model} finished without an answer`);
    this.name = 'EmptyAnswerError';
  }
}

export class OpenAiLlm implements Llm {
  readonly name: string;
  private readonly idle: IdleTimeouts;
  private readonly maxToolRounds: number;

  constructor(private readonly o: OpenAiLlmOptions) {
    this.name = `openai:${o.model}`;
    this.idle = o.idle ?? { firstMs: 15_000, idleMs: 15_000 };
    this.maxToolRounds = o.maxToolRounds ?? 3;
  }

  async *stream(req: AnswerRequest, signal?: AbortSignal): AsyncGenerator<AnswerPart> {
    const guard = new CitationGuard(new Set(req.sources.map((s) => s.n)));
    let nextN = req.sources.reduce((m, s) => Math.max(m, s.n), 0) + 1;
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: systemPrompt(req) },
      { role: 'user', content: userMessage(req) },
    ];
    let spoke = false;
    for (let round = 0; ; round++) {
      const calls = new Map<number, { id: string; name: string; args: string }>();
      let text = '';
      for await (const chunk of this.round(messages, req, round >= this.maxToolRounds, signal)) {
        if (chunk.usage) {
          yield { type: 'usage', usage: { model: chunk.model || this.o.model, promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens } };
        }
        const delta = chunk.choices?.[0]?.delta;
        if (!delta) continue;
        if (delta.content) {
          text += delta.content;
          const safe = guard.push(delta.content);
          if (safe) {
            spoke ||= /\S/.test(safe);
            yield { type: 'text', text: safe };
          }
        }
        for (const tc of delta.tool_calls ?? []) {
          const call = calls.get(tc.index) ?? { id: '', name: '', args: '' };
          if (tc.id) call.id = tc.id;
          if (tc.function?.name) call.name += tc.function.name;
          if (tc.function?.arguments) call.args += tc.function.arguments;
          calls.set(tc.index, call);
        }
      }
      // A model that calls tools it was not offered, or past the last round, is not obeyed.
      if (calls.size === 0 || !req.tools || round >= this.maxToolRounds) break;

      const list = [...calls.values()].map((c, i) => ({ ...c, id: c.id || `call_${round}_${i}` }));
      messages.push({
        role: 'assistant',
        content: text || null,
        tool_calls: list.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.args } })),
      });
      for (const [i, call] of list.entries()) {
        const outcome = i < MAX_CALLS_PER_ROUND ? await this.callTool(call, req, nextN) : { sources: [], note: 'Too many tool calls at once; call fewer.' };
        for (const source of outcome.sources) {
          guard.allow(source.n);
          yield { type: 'source', source };
        }
        nextN += outcome.sources.length;
        messages.push({ role: 'tool', tool_call_id: call.id, content: toolResultMessage(outcome.sources, outcome.note) });
      }
    }
    const rest = guard.flush();
    if (rest) {
      spoke ||= /\S/.test(rest);
      yield { type: 'text', text: rest };
    }
    // Nothing said at all (a filtered answer, say): let the fallback answer instead of silence.
    if (!spoke) throw new EmptyAnswerError(this.o.model);
  }

  /** One streamed completion: the request under the policy, the chunks under idle timeouts. */
  private async *round(messages: ChatCompletionMessageParam[], req: AnswerRequest, last: boolean, signal?: AbortSignal): AsyncGenerator<ChatCompletionChunk> {
    const body: ChatCompletionCreateParamsStreaming = {
      model: this.o.model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
      temperature: this.o.temperature,
      ...(this.o.legacyMaxTokens ? { max_tokens: this.o.maxTokens } : { max_completion_tokens: this.o.maxTokens }),
      // On the last round the model must answer with what it has.
      ...(req.tools ? { tools: TOOL_DEFINITIONS, tool_choice: last ? ('none' as const) : ('auto' as const) } : {}),
    };
    // Lives as long as the stream: the policy's own signal ends with the request's headers.
    const alive = new AbortController();
    const stop = () => alive.abort(signal?.reason);
    signal?.addEventListener('abort', stop, { once: true });
    try {
      const stream = await this.o.policy.run('llm', (s) => this.o.client.chat.completions.create(body, { signal: AbortSignal.any([s, alive.signal]) }), {
        signal,
        streaming: true,
      });
      let settled = false;
      try {
        yield* withIdleTimeout(stream, this.idle, { provider: 'openai', stage: 'llm stream' }, (err) => alive.abort(err));
        settled = true;
        this.o.policy.succeeded();
      } catch (err) {
        settled = true;
        this.o.policy.failed('llm stream', err, signal);
        throw err;
      } finally {
        if (!settled) this.o.policy.abandoned();
      }
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  private async callTool(call: { name: string; args: string }, req: AnswerRequest, firstN: number): Promise<ToolOutcome> {
    try {
      return await withTimeout(() => runTool(call.name, call.args, req.tools!, firstN), this.o.toolTimeoutMs ?? 5_000, { provider: 'tools', stage: call.name });
    } catch (err) {
      this.o.log.warn('a tool the model called failed', { stage: 'tool', tool: call.name, error: describeError(err) });
      return { sources: [], note: `${call.name} is unavailable right now; tell the customer you cannot check this at the moment and offer a person from the team.` };
    }
  }
}
