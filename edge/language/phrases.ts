/**
 * Every fixed sentence the server writes to a visitor, in each language it speaks. A key
 * missing in a language is a type error, so a new sentence cannot ship in English alone.
 * Languages without a table get English; the widget's own labels live in sdk/panel/i18n.ts.
 */
export const PHRASE_LANGUAGES = ['en', 'es', 'de', 'ar'] as const;
export type PhraseLanguage = (typeof PHRASE_LANGUAGES)[number];

const en = {
  notFound: "I couldn't find this in our help content. Would you like me to connect you with a person from our team?",
  connecting: "I'll connect you with a person from our team. They'll reply here as soon as they can.",
  sorry: "I'm sorry about that.",
  complaintNoPolicy: "I've noted what happened, and a person from our team can sort it out with you.",
  offerPerson: 'If you like, I can connect you with a person from our team.',
  hello: 'Hi! How can I help you today? You can ask me about products, orders, shipping or returns.',
  thanks: "You're welcome! Is there anything else I can help you with?",
  bye: 'Goodbye, and thanks for stopping by!',
  orderNeedBoth: 'I can check that for you. Please send your order number and the email you ordered with.',
  orderNeedNumber: 'I can check that for you. Please send your order number.',
  orderNeedEmail: 'I can check that for you. Please send the email you ordered with.',
  orderNotFound: "I couldn't find order {number} for {email}. Please check both, or ask to talk to a person and we'll look into it.",
  orderPaused: 'For your security I can’t look up more orders here just now. Please try again later, or ask to talk to a person.',
  orderFound: 'Order {number} ({items}, total {total}) is {status}.',
  orderTracking: 'It ships with {carrier}, tracking number {tracking}.',
  otherLanguage: 'Our help content is written in {content}, so I may not understand questions in {visitor} well.',
  otherLanguageAnswer: 'Here is what it says:',
  fallbackNote: 'Our AI assistant is unavailable right now, so this answer comes straight from our help content.',
  unavailable: 'Sorry, I can’t answer right now. Please try again in a moment, or ask to talk to a person.',
  interrupted: 'The answer was interrupted. Please ask again, or ask to talk to a person.',
  priceLeast: 'The {name} costs the least, at {price} [{n}].',
  priceMost: 'The {name} costs the most, at {price} [{n}].',
  priceLeastInStock: 'Of what is in stock, the {name} costs the least, at {price} [{n}].',
  priceMostInStock: 'Of what is in stock, the {name} costs the most, at {price} [{n}].',
  priceLeastTied: '{names} cost the least, at {price} each.',
  priceMostTied: '{names} cost the most, at {price} each.',
  priceOutOfStock: 'It is out of stock at the moment.',
  priceNext: 'Next: {list}.',
  priceItem: '{name}, {price} [{n}]',
  priceItemOut: '{name}, {price}, out of stock [{n}]',
  refused: 'I can’t share that. I can help with questions about our products, orders, shipping and returns.',
};

export type PhraseKey = keyof typeof en;

const TABLES: Record<PhraseLanguage, Record<PhraseKey, string>> = {
  en,
  es: {
    notFound: 'No encontré esto en nuestro contenido de ayuda. ¿Quiere que le ponga en contacto con una persona de nuestro equipo?',
    connecting: 'Le pongo en contacto con una persona de nuestro equipo. Le responderá aquí lo antes posible.',
    sorry: 'Lamento lo ocurrido.',
    complaintNoPolicy: 'He tomado nota de lo ocurrido, y una persona de nuestro equipo puede resolverlo con usted.',
    offerPerson: 'Si lo desea, puedo ponerle en contacto con una persona de nuestro equipo.',
    hello: '¡Hola! ¿En qué puedo ayudarle hoy? Puede preguntarme por productos, pedidos, envíos o devoluciones.',
    thanks: '¡De nada! ¿Puedo ayudarle en algo más?',
    bye: '¡Adiós, y gracias por su visita!',
    orderNeedBoth: 'Puedo comprobarlo. Envíeme su número de pedido y el correo electrónico con el que hizo el pedido.',
    orderNeedNumber: 'Puedo comprobarlo. Envíeme su número de pedido.',
    orderNeedEmail: 'Puedo comprobarlo. Envíeme el correo electrónico con el que hizo el pedido.',
    orderNotFound: 'No encontré el pedido {number} para {email}. Compruebe ambos datos, o pida hablar con una persona y lo revisaremos.',
    orderPaused: 'Por su seguridad, ahora mismo no puedo consultar más pedidos aquí. Inténtelo más tarde o pida hablar con una persona.',
    orderFound: 'El pedido {number} ({items}, total {total}) está {status}.',
    orderTracking: 'Se envía con {carrier}, número de seguimiento {tracking}.',
    otherLanguage: 'Nuestro contenido de ayuda está en {content}, así que puede que no entienda bien las preguntas en {visitor}.',
    otherLanguageAnswer: 'Esto es lo que dice:',
    fallbackNote: 'Nuestro asistente de IA no está disponible ahora mismo, así que esta respuesta viene directamente de nuestro contenido de ayuda.',
    unavailable: 'Lo siento, ahora mismo no puedo responder. Inténtelo de nuevo en un momento, o pida hablar con una persona.',
    interrupted: 'La respuesta se interrumpió. Pregunte de nuevo, o pida hablar con una persona.',
    priceLeast: 'El producto más barato es {name}, a {price} [{n}].',
    priceMost: 'El producto más caro es {name}, a {price} [{n}].',
    priceLeastInStock: 'De lo que hay en stock, el producto más barato es {name}, a {price} [{n}].',
    priceMostInStock: 'De lo que hay en stock, el producto más caro es {name}, a {price} [{n}].',
    priceLeastTied: 'Los más baratos son {names}, a {price} cada uno.',
    priceMostTied: 'Los más caros son {names}, a {price} cada uno.',
    priceOutOfStock: 'Ahora mismo está agotado.',
    priceNext: 'Después: {list}.',
    priceItem: '{name}, {price} [{n}]',
    priceItemOut: '{name}, {price}, agotado [{n}]',
    refused: 'No puedo compartir eso. Puedo ayudarle con preguntas sobre nuestros productos, pedidos, envíos y devoluciones.',
  },
  de: {
    notFound: 'Dazu habe ich in unseren Hilfeinhalten nichts gefunden. Möchten Sie mit einer Person aus unserem Team sprechen?',
    connecting: 'Ich verbinde Sie mit einer Person aus unserem Team. Sie antwortet Ihnen hier, sobald sie kann.',
    sorry: 'Das tut mir leid.',
    complaintNoPolicy: 'Ich habe notiert, was passiert ist, und eine Person aus unserem Team kann das mit Ihnen klären.',
    offerPerson: 'Wenn Sie möchten, verbinde ich Sie mit einer Person aus unserem Team.',
    hello: 'Hallo! Wie kann ich Ihnen helfen? Sie können mich zu Produkten, Bestellungen, Versand oder Rücksendungen fragen.',
    thanks: 'Gern geschehen! Kann ich Ihnen sonst noch helfen?',
    bye: 'Auf Wiedersehen, und danke für Ihren Besuch!',
    orderNeedBoth: 'Das kann ich für Sie prüfen. Bitte senden Sie mir Ihre Bestellnummer und die E-Mail-Adresse, mit der Sie bestellt haben.',
    orderNeedNumber: 'Das kann ich für Sie prüfen. Bitte senden Sie mir Ihre Bestellnummer.',
    orderNeedEmail: 'Das kann ich für Sie prüfen. Bitte senden Sie mir die E-Mail-Adresse, mit der Sie bestellt haben.',
    orderNotFound: 'Ich habe die Bestellung {number} für {email} nicht gefunden. Bitte prüfen Sie beides, oder bitten Sie um eine Person, dann sehen wir nach.',
    orderPaused: 'Zu Ihrer Sicherheit kann ich hier gerade keine weiteren Bestellungen nachschlagen. Bitte versuchen Sie es später, oder bitten Sie um eine Person.',
    orderFound: 'Die Bestellung {number} ({items}, gesamt {total}) ist {status}.',
    orderTracking: 'Sie wird mit {carrier} versendet, Sendungsnummer {tracking}.',
    otherLanguage: 'Unsere Hilfeinhalte sind auf {content} verfasst, daher verstehe ich Fragen auf {visitor} womöglich nicht gut.',
    otherLanguageAnswer: 'Dort steht:',
    fallbackNote: 'Unser KI-Assistent ist gerade nicht erreichbar, daher stammt diese Antwort direkt aus unseren Hilfeinhalten.',
    unavailable: 'Entschuldigung, ich kann gerade nicht antworten. Bitte versuchen Sie es gleich noch einmal, oder bitten Sie um eine Person.',
    interrupted: 'Die Antwort wurde unterbrochen. Bitte fragen Sie noch einmal, oder bitten Sie um eine Person.',
    priceLeast: 'Am günstigsten ist {name} mit {price} [{n}].',
    priceMost: 'Am teuersten ist {name} mit {price} [{n}].',
    priceLeastInStock: 'Von den vorrätigen Artikeln ist {name} mit {price} am günstigsten [{n}].',
    priceMostInStock: 'Von den vorrätigen Artikeln ist {name} mit {price} am teuersten [{n}].',
    priceLeastTied: 'Am günstigsten sind {names} mit je {price}.',
    priceMostTied: 'Am teuersten sind {names} mit je {price}.',
    priceOutOfStock: 'Dieser Artikel ist derzeit nicht vorrätig.',
    priceNext: 'Danach: {list}.',
    priceItem: '{name}, {price} [{n}]',
    priceItemOut: '{name}, {price}, nicht vorrätig [{n}]',
    refused: 'Das kann ich nicht weitergeben. Ich helfe gern bei Fragen zu unseren Produkten, Bestellungen, zum Versand und zu Rücksendungen.',
  },
  ar: {
    notFound: 'لم أجد هذا في محتوى المساعدة لدينا. هل تريد أن أوصلك بأحد أفراد فريقنا؟',
    connecting: 'سأوصلك بأحد أفراد فريقنا، وسيرد عليك هنا في أقرب وقت ممكن.',
    sorry: 'نأسف لما حدث.',
    complaintNoPolicy: 'سجّلت ما حدث، ويمكن لأحد أفراد فريقنا حلّه معك.',
    offerPerson: 'إن أردت، يمكنني أن أوصلك بأحد أفراد فريقنا.',
    hello: 'مرحبًا! كيف يمكنني مساعدتك اليوم؟ يمكنك أن تسألني عن المنتجات أو الطلبات أو الشحن أو الإرجاع.',
    thanks: 'على الرحب والسعة! هل هناك شيء آخر يمكنني مساعدتك فيه؟',
    bye: 'مع السلامة، وشكرًا لزيارتك!',
    orderNeedBoth: 'يمكنني التحقق من ذلك. أرسل لي رقم طلبك والبريد الإلكتروني الذي طلبت به.',
    orderNeedNumber: 'يمكنني التحقق من ذلك. أرسل لي رقم طلبك.',
    orderNeedEmail: 'يمكنني التحقق من ذلك. أرسل لي البريد الإلكتروني الذي طلبت به.',
    orderNotFound: 'لم أجد الطلب {number} للبريد {email}. تحقق من كليهما، أو اطلب التحدث مع شخص وسنتابع الأمر.',
    orderPaused: 'حفاظًا على أمانك، لا يمكنني البحث عن طلبات أخرى هنا الآن. حاول لاحقًا، أو اطلب التحدث مع شخص.',
    orderFound: 'الطلب {number} ({items}، الإجمالي {total}) حالته: {status}.',
    orderTracking: 'يُشحن مع {carrier}، رقم التتبع {tracking}.',
    otherLanguage: 'محتوى المساعدة لدينا مكتوب باللغة {content}، لذا قد لا أفهم الأسئلة باللغة {visitor} جيدًا.',
    otherLanguageAnswer: 'هذا ما يقوله:',
    fallbackNote: 'مساعدنا الذكي غير متاح الآن، لذا تأتي هذه الإجابة مباشرة من محتوى المساعدة لدينا.',
    unavailable: 'عذرًا، لا يمكنني الإجابة الآن. حاول مرة أخرى بعد قليل، أو اطلب التحدث مع شخص.',
    interrupted: 'انقطعت الإجابة. اسأل مرة أخرى، أو اطلب التحدث مع شخص.',
    priceLeast: 'الأرخص هو {name} بسعر {price} [{n}].',
    priceMost: 'الأغلى هو {name} بسعر {price} [{n}].',
    priceLeastInStock: 'من المتوفر حاليًا، الأرخص هو {name} بسعر {price} [{n}].',
    priceMostInStock: 'من المتوفر حاليًا، الأغلى هو {name} بسعر {price} [{n}].',
    priceLeastTied: 'الأرخص هي {names} بسعر {price} لكل منها.',
    priceMostTied: 'الأغلى هي {names} بسعر {price} لكل منها.',
    priceOutOfStock: 'هذا المنتج غير متوفر حاليًا.',
    priceNext: 'يليه: {list}.',
    priceItem: '{name}، {price} [{n}]',
    priceItemOut: '{name}، {price}، غير متوفر [{n}]',
    refused: 'لا يمكنني مشاركة ذلك. يمكنني المساعدة في الأسئلة عن منتجاتنا وطلباتنا والشحن والإرجاع.',
  },
};

/** The sentence `key` in `lang` (English when the language has no table), `{name}`s filled in. */
export function phrase(key: PhraseKey, lang: string | undefined, vars: Record<string, string> = {}): string {
  const table = TABLES[(PHRASE_LANGUAGES as readonly string[]).includes(lang ?? '') ? (lang as PhraseLanguage) : 'en'];
  return table[key].replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}

/** A language's name in another language: languageName('en', 'es') → "inglés". */
export function languageName(code: string, inLanguage: string): string {
  try {
    return new Intl.DisplayNames([inLanguage], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

const STATUSES: Record<Exclude<PhraseLanguage, 'en'>, Record<string, string>> = {
  es: { processing: 'en preparación', shipped: 'enviado', delivered: 'entregado', cancelled: 'cancelado', returned: 'devuelto', refunded: 'reembolsado' },
  de: { processing: 'in Bearbeitung', shipped: 'versendet', delivered: 'zugestellt', cancelled: 'storniert', returned: 'zurückgesendet', refunded: 'erstattet' },
  ar: { processing: 'قيد التجهيز', shipped: 'تم الشحن', delivered: 'تم التسليم', cancelled: 'ملغى', returned: 'مُرجَع', refunded: 'تم استرداد المبلغ' },
};

/** An order status as the shop stores it ("shipped"), in the visitor's language where it is a known one. */
export function statusName(status: string, lang: string | undefined): string {
  const table = lang && lang !== 'en' ? STATUSES[lang as Exclude<PhraseLanguage, 'en'>] : undefined;
  return table?.[status.toLowerCase()] ?? status;
}

/** The reply offered to connect a person, in the words of any language here (so "yes" accepts it). */
export function offersPerson(text: string): boolean {
  return PHRASE_LANGUAGES.some((lang) => (['notFound', 'offerPerson'] as const).some((key) => text.includes(phrase(key, lang))));
}
