export { fnv1a, fnv1aRange, fnv1aCombine, hashHex } from './hash';
export { words, classTokens, TOKEN_CLASS } from './tokenize';
export { STOPWORDS, QUERY_FRAME_WORDS, isStopword, isQueryNoise } from './stopwords';
export { stem, stemAll } from './stem';
export { splitSentences } from './sentences';
