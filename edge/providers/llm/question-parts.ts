/**
 * A message that asks two things ("How much is shipping and how long does it take?") is
 * answered part by part: each part may need its own source.
 */
const QUESTION_START =
  '(?:how|what|when|where|which|who|why|can|could|do|does|did|is|are|will|would|should|may|cómo|cuánto|cuándo|dónde|qué|puedo|wie|was|wann|wo|kann|gibt)';
const SPLIT = new RegExp(`\\?\\s+|[;]\\s*|,?\\s+(?:and|also|plus|y|und)\\s+(?=${QUESTION_START}\\b)|,\\s+(?=${QUESTION_START}\\b)`, 'iu');

/** The parts of a multi-part question, each with at least two words; the whole text when it is one part. */
export function questionParts(text: string): string[] {
  const parts = text
    .split(SPLIT)
    .map((p) => p.trim())
    .filter((p) => p.split(/\s+/u).length >= 2);
  return parts.length >= 2 ? parts : [text];
}
