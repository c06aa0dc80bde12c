/**
 * Traces out of the process (Node) or isolate (Workers), by OTLP/HTTP in its JSON encoding, only
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set: the core's spans (core/tracing.ts) then record,
 * batched. Node sends the last batch when the server closes; an isolate has no close to wait
 * for, so Workers `flush()` after each event (a request, a socket message), inside waitUntil.
 * Unset, nothing is registered and the spans cost nothing.
 */
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Config } from '../../config/schema';
import type { Logger } from '../../core/ports';
import { AlsContextManager } from './als-context';

export interface Tracing {
  /** Sends what is batched so far; never rejects. */
  flush(): Promise<void>;
  /** Sends what is still batched and stops. */
  shutdown(): Promise<void>;
}

export function startTracing(config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'>, log: Logger): Tracing | null {
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!base) return null;
  const url = `${base.replace(/\/+$/, '')}/v1/traces`;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.OTEL_SERVICE_NAME ?? 'support-chat' }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) })],
  });
  // Parent and child follow the awaits, so a provider call nests under its stage.
  context.setGlobalContextManager(new AlsContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  log.info(`traces   OTLP to ${new URL(url).host}`);
  return {
    flush: () => provider.forceFlush().catch((err) => log.warn('traces not sent', { error: String(err) })),
    shutdown: async () => {
      await provider.shutdown().catch((err) => log.warn('traces not all sent', { error: String(err) }));
      trace.disable();
      context.disable();
    },
  };
}
