/**
 * English function words. Tokens arrive without apostrophes ("don't" → "dont"), so the
 * contracted forms are listed that way too.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves also am may might must
shall us im ive youre youve youd youll hes shes its were weve wed well theyre theyve
theyd theyll isnt arent wasnt werent hasnt havent hadnt doesnt dont didnt wont wouldnt shant
shouldnt cant cannot couldnt mustnt lets thats whos whats heres theres whens wheres whys hows
please hi hello hey thanks thank ok okay yes yeah`
    .split(/\s+/u)
    .filter(Boolean),
);

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/**
 * Words that frame a request rather than name its topic ("how long", "i need to know"):
 * passages answer them without repeating them, so relevance should not ask for them.
 */
export const QUERY_FRAME_WORDS: ReadonlySet<string> = new Set(
  `long much many know need want like get tell possible able way anyone someone something
anything question ask wondering wonder help`.split(/\s+/u),
);

/** A query word that carries no topic: a stopword or a framing word. */
export function isQueryNoise(word: string): boolean {
  return STOPWORDS.has(word) || QUERY_FRAME_WORDS.has(word);
}
