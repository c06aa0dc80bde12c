import { describe, expect, it } from 'vitest';
import { namedByVisitor } from '../../../edge/pipeline/live-data';

describe("the model's order look-up obeys the visitor (pipeline/live-data)", () => {
  const said = ['Where is order #jp 10405? It was late.', 'My email is Priya.Natarajan@Example.com.'];

  it('allows a number and an email the visitor wrote, in any case and spacing', () => {
    expect(namedByVisitor(said, 'JP-10405', 'priya.natarajan@example.com')).toBe(true);
  });

  it('refuses an email or a number the visitor did not write, or only part of one', () => {
    expect(namedByVisitor(said, 'JP-10405', 'robert.b@example.org')).toBe(false);
    expect(namedByVisitor(said, '1002', 'priya.natarajan@example.com')).toBe(false);
    expect(namedByVisitor(said, 'JP-10405', 'natarajan@example.com')).toBe(false);
    expect(namedByVisitor(said, 'JP-10405', "' OR '1'='1")).toBe(false);
    expect(namedByVisitor(said, '', 'priya.natarajan@example.com')).toBe(false);
  });
});
