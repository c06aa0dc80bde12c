/**
 * Spans for an answer's path (socket message → turn → stage → provider call) through the
 * OpenTelemetry API alone. Until a runtime registers a tracer provider (Node, when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set) the API hands out non-recording spans: a function call
 * and no allocation worth measuring, on every runtime.
 */
import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

const tracer = () => trace.getTracer('support-chat');

/** Runs `fn` inside a span that is the active one for everything it awaits. */
export function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** An attribute on the span in force (the answer's, say), once it is known. */
export function annotate(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}
