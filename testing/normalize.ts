import type { TraceSpan } from './types.js';

/**
 * Turns exported spans into `TraceSpan[]`. Accepts, in any mix:
 * - SDK `ReadableSpan`s (2.x/3.x `parentSpanContext?.spanId`, 1.x `parentSpanId`; `HrTime`
 *   `[seconds, nanos]` times; `ended`),
 * - the SDK's `InMemorySpanExporter` (its `getFinishedSpans()`) or this package's
 *   `InMemoryCollector` (every span it saw, including unended ones),
 * - OTLP JSON: an `ExportTraceServiceRequest` (`{ resourceSpans: [{ scopeSpans: [{ spans }] }] }`,
 *   also the older `instrumentationLibrarySpans`), an array of them, hex or base64 ids,
 *   string or number nanos, `kind` as a number or `SPAN_KIND_*` name,
 * - `TraceSpan`-shaped objects (times as bigint, numeric string or number),
 * - an object with a `spans` array (e.g. the runtime harness's result),
 * - a JSON string of any of the above, or JSON lines (one span or request per line).
 *
 * Spans that appear twice (same trace and span id) are merged: the ended copy wins.
 */
/** Marks `InMemoryCollector` instances (kept here to avoid an import cycle). */
export const COLLECTOR_BRAND = Symbol.for('eslint-plugin-otel-context.testing.InMemoryCollector');

export function normalizeSpans(input: unknown): TraceSpan[] {
  const out: TraceSpan[] = [];
  collect(input, out, 0);
  return dedupe(out);
}

function collect(input: unknown, out: TraceSpan[], depth: number): void {
  if (depth > 8 || input === null || input === undefined) return;
  if (typeof input === 'string') {
    collect(parseJsonText(input), out, depth + 1);
    return;
  }
  if (Array.isArray(input)) {
    for (const item of input) collectItem(item, out, depth + 1);
    return;
  }
  if (typeof input !== 'object') {
    throw new TypeError(`normalizeSpans: cannot read spans from a ${typeof input}`);
  }
  collectItem(input, out, depth + 1);
}

function collectItem(item: unknown, out: TraceSpan[], depth: number): void {
  if (item === null || item === undefined) return;
  if (typeof item !== 'object') {
    throw new TypeError(`normalizeSpans: expected a span object, got ${typeof item}`);
  }
  if (Array.isArray(item)) {
    collect(item, out, depth);
    return;
  }
  const obj = item as Record<string, unknown>;
  // InMemoryCollector: every span it saw, started or ended
  if ((obj as Record<symbol, unknown>)[COLLECTOR_BRAND] === true && typeof obj.getSpans === 'function') {
    collect((obj.getSpans as () => unknown)(), out, depth);
    return;
  }
  if (typeof obj.getFinishedSpans === 'function') {
    collect((obj.getFinishedSpans as () => unknown)(), out, depth);
    return;
  }
  if (Array.isArray(obj.resourceSpans)) {
    for (const rs of obj.resourceSpans as Array<Record<string, unknown>>) {
      const scopes = (rs?.scopeSpans ?? rs?.instrumentationLibrarySpans ?? []) as Array<Record<string, unknown>>;
      for (const ss of scopes) {
        const scope = (ss?.scope ?? ss?.instrumentationLibrary) as { name?: string } | undefined;
        for (const span of (ss?.spans ?? []) as unknown[]) out.push(fromOtlp(span, scope?.name));
      }
    }
    return;
  }
  if (typeof obj.spanContext === 'function') {
    out.push(fromReadableSpan(obj));
    return;
  }
  if (obj.traceId !== undefined && obj.spanId !== undefined) {
    out.push(fromPlain(obj));
    return;
  }
  if (Array.isArray(obj.spans)) {
    collect(obj.spans, out, depth);
    return;
  }
  throw new TypeError(
    'normalizeSpans: unrecognised input object (expected a ReadableSpan, an OTLP ExportTraceServiceRequest, ' +
      `a TraceSpan or an exporter); keys: ${Object.keys(obj).slice(0, 8).join(', ') || '(none)'}`,
  );
}

function parseJsonText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    return JSON.parse(trimmed);
  } catch {
    // JSON lines
    return trimmed
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line, i) => {
        try {
          return JSON.parse(line) as unknown;
        } catch (error) {
          throw new TypeError(`normalizeSpans: line ${i + 1} is not JSON: ${(error as Error).message}`);
        }
      });
  }
}

function fromReadableSpan(s: Record<string, unknown>): TraceSpan {
  const ctx = (s.spanContext as () => { traceId: string; spanId: string })();
  const parentCtx = s.parentSpanContext as { spanId?: string } | undefined;
  const parent = parentCtx?.spanId ?? (s.parentSpanId as string | undefined);
  const scope = (s.instrumentationScope ?? s.instrumentationLibrary) as { name?: string } | undefined;
  const ended = typeof s.ended === 'boolean' ? s.ended : undefined;
  const span: TraceSpan = {
    name: spanName(s.name),
    traceId: hexId(ctx.traceId, 16, 'traceId'),
    spanId: hexId(ctx.spanId, 8, 'spanId'),
  };
  const parentSpanId = parentId(parent);
  if (parentSpanId) span.parentSpanId = parentSpanId;
  if (typeof s.kind === 'number') span.kind = s.kind;
  const start = toNanos(s.startTime);
  if (start !== undefined) span.startTimeUnixNano = start;
  const end = ended === false ? undefined : toNanos(s.endTime);
  if (end !== undefined && end !== 0n) span.endTimeUnixNano = end;
  if (ended !== undefined) span.ended = ended;
  if (s.attributes && typeof s.attributes === 'object') span.attributes = { ...s.attributes };
  if (scope?.name) span.scope = scope.name;
  return span;
}

function spanName(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  return raw === undefined || raw === null ? '' : describe(raw);
}

const OTLP_KINDS: Record<string, number> = {
  SPAN_KIND_INTERNAL: 0,
  SPAN_KIND_SERVER: 1,
  SPAN_KIND_CLIENT: 2,
  SPAN_KIND_PRODUCER: 3,
  SPAN_KIND_CONSUMER: 4,
};

function fromOtlp(raw: unknown, scopeName: string | undefined): TraceSpan {
  if (!raw || typeof raw !== 'object') throw new TypeError('normalizeSpans: OTLP span is not an object');
  const s = raw as Record<string, unknown>;
  const span: TraceSpan = {
    name: spanName(s.name),
    traceId: hexId(s.traceId, 16, 'traceId'),
    spanId: hexId(s.spanId, 8, 'spanId'),
  };
  const parentSpanId = parentId(s.parentSpanId);
  if (parentSpanId) span.parentSpanId = parentSpanId;
  // OTLP: 0 UNSPECIFIED, 1 INTERNAL, 2 SERVER ...; the API: 0 INTERNAL, 1 SERVER ...
  if (typeof s.kind === 'number' && s.kind > 0) span.kind = s.kind - 1;
  else if (typeof s.kind === 'string' && s.kind in OTLP_KINDS) span.kind = OTLP_KINDS[s.kind];
  const start = toNanos(s.startTimeUnixNano);
  if (start !== undefined) span.startTimeUnixNano = start;
  const end = toNanos(s.endTimeUnixNano);
  if (end !== undefined && end !== 0n) span.endTimeUnixNano = end;
  if (Array.isArray(s.attributes)) span.attributes = otlpAttributes(s.attributes);
  if (scopeName) span.scope = scopeName;
  return span;
}

function fromPlain(s: Record<string, unknown>): TraceSpan {
  const span: TraceSpan = {
    name: spanName(s.name),
    traceId: hexId(s.traceId, 16, 'traceId'),
    spanId: hexId(s.spanId, 8, 'spanId'),
  };
  const parentSpanId = parentId(s.parentSpanId);
  if (parentSpanId) span.parentSpanId = parentSpanId;
  if (typeof s.kind === 'number') span.kind = s.kind;
  else if (typeof s.kind === 'string' && s.kind in OTLP_KINDS) span.kind = OTLP_KINDS[s.kind];
  const start = toNanos(s.startTimeUnixNano ?? s.startTime);
  if (start !== undefined) span.startTimeUnixNano = start;
  const end = toNanos(s.endTimeUnixNano ?? s.endTime);
  if (end !== undefined && end !== 0n) span.endTimeUnixNano = end;
  if (typeof s.ended === 'boolean') span.ended = s.ended;
  if (Array.isArray(s.attributes)) span.attributes = otlpAttributes(s.attributes);
  else if (s.attributes && typeof s.attributes === 'object') span.attributes = { ...s.attributes };
  if (typeof s.scope === 'string') span.scope = s.scope;
  return span;
}

function otlpAttributes(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list) {
    if (kv && typeof kv === 'object' && typeof (kv as { key?: unknown }).key === 'string') {
      out[(kv as { key: string }).key] = otlpValue((kv as { value?: unknown }).value);
    }
  }
  return out;
}

function otlpValue(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if ('stringValue' in o) return o.stringValue;
  if ('boolValue' in o) return o.boolValue;
  if ('intValue' in o) {
    const n = o.intValue;
    if (typeof n === 'string') {
      const asNumber = Number(n);
      return Number.isSafeInteger(asNumber) ? asNumber : BigInt(n);
    }
    if (n && typeof n === 'object' && 'low' in n && 'high' in n) {
      const { low, high } = n as { low: number; high: number };
      return Number((BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
    }
    return n;
  }
  if ('doubleValue' in o) return o.doubleValue;
  if ('arrayValue' in o) {
    const values = (o.arrayValue as { values?: unknown[] } | undefined)?.values ?? [];
    return values.map(otlpValue);
  }
  if ('kvlistValue' in o) {
    const values = (o.kvlistValue as { values?: unknown[] } | undefined)?.values ?? [];
    return otlpAttributes(values);
  }
  if ('bytesValue' in o) return o.bytesValue;
  return undefined;
}

const ZERO = /^0+$/;

function parentId(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'string' && ZERO.test(raw)) return undefined;
  const hex = hexId(raw, 8, 'parentSpanId');
  return ZERO.test(hex) ? undefined : hex;
}

/** Hex (any case) or base64 ids, `Uint8Array`s, or `Buffer.toJSON()` objects → lower-case hex. */
function hexId(raw: unknown, bytes: number, field: string): string {
  const hexLength = bytes * 2;
  if (typeof raw === 'string') {
    if (raw.length === hexLength && /^[0-9a-fA-F]+$/.test(raw)) return raw.toLowerCase();
    const decoded = decodeBase64(raw);
    if (decoded && decoded.length === bytes) return toHex(decoded);
    if (raw.length > 0 && raw.length < hexLength && /^[0-9a-fA-F]+$/.test(raw)) {
      return raw.toLowerCase().padStart(hexLength, '0'); // e.g. 64-bit trace ids
    }
    throw new TypeError(`normalizeSpans: ${field} ${JSON.stringify(raw)} is neither ${hexLength} hex digits nor base64 of ${bytes} bytes`);
  }
  if (raw instanceof Uint8Array && raw.length === bytes) return toHex(raw);
  if (raw && typeof raw === 'object' && (raw as { type?: unknown }).type === 'Buffer' && Array.isArray((raw as { data?: unknown }).data)) {
    const data = (raw as { data: number[] }).data;
    if (data.length === bytes) return toHex(data);
  }
  throw new TypeError(`normalizeSpans: ${field} is missing or malformed (${describe(raw)})`);
}

function decodeBase64(text: string): number[] | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const std = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (std.length % 4 === 1) return undefined;
  try {
    const binary = atob(std + '='.repeat((4 - (std.length % 4)) % 4));
    return Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function toHex(bytes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] & 0xff).toString(16).padStart(2, '0');
  return out;
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}

/** HrTime `[s, ns]`, bigint, numeric string or number of nanoseconds → bigint nanoseconds. */
function toNanos(raw: unknown): bigint | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? BigInt(Math.round(raw)) : undefined;
  if (typeof raw === 'string') return /^\d+$/.test(raw) ? BigInt(raw) : undefined;
  if (Array.isArray(raw) && raw.length === 2 && typeof raw[0] === 'number' && typeof raw[1] === 'number') {
    return BigInt(Math.trunc(raw[0])) * 1_000_000_000n + BigInt(Math.round(raw[1]));
  }
  if (typeof raw === 'object' && 'low' in raw && 'high' in raw) {
    const { low, high } = raw as { low: number; high: number };
    return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  }
  return undefined;
}

function dedupe(spans: TraceSpan[]): TraceSpan[] {
  const index = new Map<string, number>();
  const out: TraceSpan[] = [];
  for (const span of spans) {
    const key = `${span.traceId}/${span.spanId}`;
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, out.length);
      out.push(span);
    } else if (out[at].ended === false && span.ended !== false) {
      out[at] = span;
    }
  }
  return out;
}
