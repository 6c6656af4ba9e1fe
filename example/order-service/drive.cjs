// Demo driver (not part of the service): starts the order API and the inventory service from the
// compiled sources next to it, places two orders (one for an unknown SKU, which fails), and prints
// the finished spans as JSON. The entry (main.js) is required first, as `node main.js` would.
const { startOrderApi } = require('./main.js');
const { startInventory } = require('./inventory.js');
const { exporter, sdk } = require('./tracing.js');

async function placeOrder(port, order) {
  const res = await fetch(`http://127.0.0.1:${port}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(order),
  });
  await res.text();
}

(async () => {
  const inventory = await startInventory(120);
  const api = await startOrderApi(`http://127.0.0.1:${inventory.address().port}`);
  const port = api.address().port;
  await placeOrder(port, { id: 'A-1', sku: 'SKU-42', quantity: 2 });
  await placeOrder(port, { id: 'A-2', sku: 'UNKNOWN-7', quantity: 1 });
  await new Promise((r) => setTimeout(r, 200));
  const spans = exporter.getFinishedSpans().map((s) => ({
    name: s.name,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: (s.parentSpanContext ?? {}).spanId ?? s.parentSpanId,
    kind: s.kind,
    startTime: s.startTime,
    endTime: s.endTime,
    attributes: s.attributes,
  }));
  process.stdout.write(JSON.stringify(spans));
  api.close();
  inventory.close();
  await sdk.shutdown().catch(() => {});
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
