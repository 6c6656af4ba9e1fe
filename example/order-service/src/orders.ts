import { trace, SpanStatusCode } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import { checkStock } from './inventory-client';

const tracer = trace.getTracer('order-service');

export interface Order {
  id: string;
  sku: string;
  quantity: number;
}

export function createOrder(order: Order, inventoryUrl: string, headers: IncomingHttpHeaders): Promise<{ accepted: boolean }> {
  return tracer.startActiveSpan('CreateOrder', async (span) => {
    span.setAttribute('order.id', order.id);
    if (order.quantity <= 0) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'empty order' });
      return { accepted: false };
    }
    const stock = await checkStock(inventoryUrl, order.sku, headers);
    reserve(order);
    span.setAttribute('stock.available', stock.available);
    span.end();
    return { accepted: stock.available >= order.quantity };
  });
}

function reserve(order: Order): void {
  const reservation = tracer.startSpan('ReserveStock');
  reservation.setAttribute('order.id', order.id);
  const audit = tracer.startSpan('AuditReservation');
  audit.end();
  reservation.end();
}
