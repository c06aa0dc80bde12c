import { describe, expect, it } from 'vitest';
import { contentLanguage, detectLanguage, languageName, offersPerson, phrase, PHRASE_LANGUAGES, statusName } from '../../../edge/language';

describe("the visitor's language", () => {
  it('is read from the text, in the languages the server speaks and others', () => {
    expect(detectLanguage('¿Cuánto tarda el envío a Canadá?')).toBe('es');
    expect(detectLanguage('Wie lange dauert der Versand nach Kanada?')).toBe('de');
    expect(detectLanguage('كم يستغرق الشحن إلى كندا؟')).toBe('ar');
    expect(detectLanguage('how do i retrun a jaket that dosnt fit')).toBe('en');
    expect(detectLanguage('Combien de temps prend la livraison au Canada ?')).toBe('fr');
    // Emails and order numbers are no language.
    expect(detectLanguage('¿Dónde está mi pedido JP-10388? Mi correo es ines.carvalho@example.com')).toBe('es');
  });

  it('falls back to earlier messages, then the browser locale, for texts too short to tell', () => {
    expect(detectLanguage('ok', { locale: 'de-AT' })).toBe('de');
    expect(detectLanguage('JP-10421', { earlier: ['¿Dónde está mi pedido? No ha llegado'], locale: 'en-US' })).toBe('es');
    expect(detectLanguage('ok')).toBe('en');
  });

  it('does not take a string of English nouns for another language when ELD cannot call it', () => {
    // ELD's guesses here were Danish, Swedish and Swedish, each flagged unreliable.
    for (const t of ['cheapest sleeping bag', 'cheapest rain jacket', 'cheapest 2 person tent']) expect(detectLanguage(t), t).toBe('en');
    expect(detectLanguage('cheapest sleeping bag', { locale: 'de-AT' })).toBe('de');
    expect(detectLanguage('cheapest sleeping bag', { earlier: ['Wo ist meine Bestellung, bitte?'] })).toBe('de');
    expect(detectLanguage('Hvor er min ordre?')).toBe('da');
  });

  it('tells the language of help content by a majority of passages, and says nothing on too little', () => {
    const en = ['When your order leaves the warehouse we email you the carrier and tracking number.', 'Refunds go back to the original payment method within five business days of the parcel arriving.', '| Standard | US | $6.95, free on orders of $75 or more | 3–5 business days |'];
    expect(contentLanguage(en)).toBe('en');
    expect(contentLanguage(['Sendungen verlassen unser Lager am selben Werktag, wenn Sie vor 13 Uhr bestellen.', 'Rücksendungen innerhalb von 60 Tagen sind kostenlos, solange die Ware unbenutzt ist.'])).toBe('de');
    expect(contentLanguage(['Price: $9'])).toBeNull();
  });
});

describe('fixed sentences', () => {
  it('exist in every language, filled in, with English for the others', () => {
    for (const lang of PHRASE_LANGUAGES) {
      expect(phrase('orderNotFound', lang, { number: 'JP-1', email: 'a@b.c' })).toContain('JP-1');
      expect(phrase('notFound', lang)).not.toBe(lang === 'en' ? '' : phrase('notFound', 'en'));
    }
    expect(phrase('notFound', 'fr')).toBe(phrase('notFound', 'en'));
    expect(statusName('shipped', 'de')).toBe('versendet');
    expect(statusName('on_hold', 'es')).toBe('on_hold');
    expect(languageName('en', 'es')).toBe('inglés');
  });

  it('recognise an offer of a person in any language, so a yes can accept it', () => {
    for (const lang of PHRASE_LANGUAGES) expect(offersPerson(`Something. ${phrase('offerPerson', lang)}`)).toBe(true);
    expect(offersPerson('Standard shipping takes 3–5 business days [1].')).toBe(false);
  });
});
