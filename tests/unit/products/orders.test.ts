import { describe, expect, it } from 'vitest';
import { findOrderClues } from '../../../edge/products/orders';

describe('order clues', () => {
  it('finds an order number and an email in one message', () => {
    expect(findOrderClues(['Where is order JP-10421? my email is Ana@Example.com'])).toEqual({ number: 'JP-10421', email: 'ana@example.com' });
  });

  it('takes what is missing from earlier messages, newest first', () => {
    expect(findOrderClues(['ana@example.com', 'my order is #JP10422', 'old order JP-10000'])).toEqual({ number: 'JP10422', email: 'ana@example.com' });
  });

  it('does not read the digits of an email or a price as an order number', () => {
    expect(findOrderClues(['contact me at sam12345@example.com'])).toEqual({ number: null, email: 'sam12345@example.com' });
    expect(findOrderClues(['it cost 49.00 dollars'])).toEqual({ number: null, email: null });
  });
});
