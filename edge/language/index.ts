export { detectLanguage, contentLanguage, baseLanguage, type LanguageHints } from './detect';
export { phrase, languageName, statusName, offersPerson, PHRASE_LANGUAGES, type PhraseKey, type PhraseLanguage } from './phrases';
