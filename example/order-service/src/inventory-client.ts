import type { IncomingHttpHeaders } from 'node:http';

export interface StockLevel {
  sku: string;
  available: number;
}

/** Asks the inventory service how many items of `sku` are in stock. */
export async function checkStock(baseUrl: string, sku: string, incoming: IncomingHttpHeaders): Promise<StockLevel> {
  const response = await fetch(`${baseUrl}/stock/${encodeURIComponent(sku)}`, {
    headers: {
      accept: 'application/json',
      // "keep the trace together": forwards the caller's traceparent instead of ours
      traceparent: String(incoming['traceparent'] ?? ''),
    },
  });
  if (!response.ok) throw new Error(`inventory answered ${response.status}`);
  return (await response.json()) as StockLevel;
}
