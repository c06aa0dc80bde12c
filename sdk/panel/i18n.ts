/**
 * Every word the panel shows, per locale. Hosts override any of them through the element's
 * `strings` property; `{name}` placeholders are filled in by `fill`.
 */
export interface Strings {
  title: string;
  greeting: string;
  placeholder: string;
  send: string;
  open: string;
  close: string;
  newChat: string;
  person: string;
  messages: string;
  sources: string;
  low: string;
  helpful: string;
  unhelpful: string;
  thanks: string;
  ticket: string;
  /** The ticket statuses open|pending|solved|closed, in that order, separated by |. */
  statuses: string;
  typing: string;
  connecting: string;
  reconnecting: string;
  retry: string;
  offline: string;
  limited: string;
  error: string;
  refused: string;
  waiting: string;
  failed: string;
  full: string;
  dismiss: string;
  agent: string;
  answered: string;
}

const en: Strings = {
  title: 'Support',
  greeting: 'Hi! Ask me anything about our products, orders and policies.',
  placeholder: 'Type your question…',
  send: 'Send',
  open: 'Open chat',
  close: 'Close chat',
  newChat: 'New conversation',
  person: 'Talk to a person',
  messages: 'Conversation',
  sources: 'Sources',
  low: 'This answer may be incomplete.',
  helpful: 'Helpful',
  unhelpful: 'Not helpful',
  thanks: 'Thanks for your feedback.',
  ticket: 'A person will reply here. Ticket {ticket} is {status}.',
  statuses: 'open|pending|solved|closed',
  typing: 'Writing an answer…',
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting in {s} s…',
  retry: 'Retry now',
  offline: 'You are offline. Messages will be sent when you are back.',
  limited: 'Too many messages. Sending again in {s} s.',
  error: 'Something went wrong on our side. Please try again.',
  refused: 'This chat is not available on this site.',
  waiting: 'Waiting to send',
  failed: 'Not sent',
  full: 'Too many messages are waiting. Please wait for the connection.',
  dismiss: 'Dismiss',
  agent: '{name} (person)',
  answered: 'Answer: {text}',
};

const es: Strings = {
  title: 'Soporte',
  greeting: '¡Hola! Pregúntame lo que quieras sobre nuestros productos, pedidos y políticas.',
  placeholder: 'Escribe tu pregunta…',
  send: 'Enviar',
  open: 'Abrir chat',
  close: 'Cerrar chat',
  newChat: 'Nueva conversación',
  person: 'Hablar con una persona',
  messages: 'Conversación',
  sources: 'Fuentes',
  low: 'Puede que esta respuesta esté incompleta.',
  helpful: 'Útil',
  unhelpful: 'No es útil',
  thanks: 'Gracias por tu opinión.',
  ticket: 'Una persona te responderá aquí. El ticket {ticket} está {status}.',
  statuses: 'abierto|pendiente|resuelto|cerrado',
  typing: 'Escribiendo una respuesta…',
  connecting: 'Conectando…',
  reconnecting: 'Se perdió la conexión. Reconectando en {s} s…',
  retry: 'Reintentar ahora',
  offline: 'Estás sin conexión. Los mensajes se enviarán cuando vuelvas.',
  limited: 'Demasiados mensajes. Se enviará de nuevo en {s} s.',
  error: 'Algo salió mal por nuestra parte. Inténtalo de nuevo.',
  refused: 'Este chat no está disponible en este sitio.',
  waiting: 'Pendiente de envío',
  failed: 'No enviado',
  full: 'Hay demasiados mensajes en espera. Espera a que vuelva la conexión.',
  dismiss: 'Descartar',
  agent: '{name} (persona)',
  answered: 'Respuesta: {text}',
};

const de: Strings = {
  title: 'Support',
  greeting: 'Hallo! Fragen Sie mich alles zu unseren Produkten, Bestellungen und Richtlinien.',
  placeholder: 'Ihre Frage…',
  send: 'Senden',
  open: 'Chat öffnen',
  close: 'Chat schließen',
  newChat: 'Neues Gespräch',
  person: 'Mit einem Menschen sprechen',
  messages: 'Gespräch',
  sources: 'Quellen',
  low: 'Diese Antwort ist möglicherweise unvollständig.',
  helpful: 'Hilfreich',
  unhelpful: 'Nicht hilfreich',
  thanks: 'Danke für Ihr Feedback.',
  ticket: 'Ein Mensch antwortet Ihnen hier. Ticket {ticket}: {status}.',
  statuses: 'offen|in Bearbeitung|gelöst|geschlossen',
  typing: 'Antwort wird geschrieben…',
  connecting: 'Verbinde…',
  reconnecting: 'Verbindung verloren. Neuer Versuch in {s} s…',
  retry: 'Jetzt erneut versuchen',
  offline: 'Sie sind offline. Nachrichten werden gesendet, sobald Sie wieder online sind.',
  limited: 'Zu viele Nachrichten. Erneuter Versand in {s} s.',
  error: 'Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es erneut.',
  refused: 'Dieser Chat ist auf dieser Website nicht verfügbar.',
  waiting: 'Wartet auf Versand',
  failed: 'Nicht gesendet',
  full: 'Zu viele Nachrichten warten. Bitte warten Sie auf die Verbindung.',
  dismiss: 'Schließen',
  agent: '{name} (Mensch)',
  answered: 'Antwort: {text}',
};

const ar: Strings = {
  title: 'الدعم',
  greeting: 'مرحبًا! اسألني أي شيء عن منتجاتنا وطلباتنا وسياساتنا.',
  placeholder: 'اكتب سؤالك…',
  send: 'إرسال',
  open: 'فتح المحادثة',
  close: 'إغلاق المحادثة',
  newChat: 'محادثة جديدة',
  person: 'التحدث إلى شخص',
  messages: 'المحادثة',
  sources: 'المصادر',
  low: 'قد تكون هذه الإجابة غير مكتملة.',
  helpful: 'مفيدة',
  unhelpful: 'غير مفيدة',
  thanks: 'شكرًا على ملاحظاتك.',
  ticket: 'سيرد عليك شخص هنا. حالة التذكرة {ticket}: {status}.',
  statuses: 'مفتوحة|قيد الانتظار|محلولة|مغلقة',
  typing: 'جارٍ كتابة الإجابة…',
  connecting: 'جارٍ الاتصال…',
  reconnecting: 'انقطع الاتصال. إعادة المحاولة خلال {s} ث…',
  retry: 'أعد المحاولة الآن',
  offline: 'أنت غير متصل. سيتم إرسال الرسائل عند عودة الاتصال.',
  limited: 'رسائل كثيرة جدًا. سيُعاد الإرسال خلال {s} ث.',
  error: 'حدث خطأ من جهتنا. يُرجى المحاولة مرة أخرى.',
  refused: 'هذه المحادثة غير متاحة على هذا الموقع.',
  waiting: 'في انتظار الإرسال',
  failed: 'لم تُرسل',
  full: 'هناك رسائل كثيرة في الانتظار. يُرجى انتظار الاتصال.',
  dismiss: 'إغلاق',
  agent: '{name} (شخص)',
  answered: 'الإجابة: {text}',
};

export const LOCALES: Record<string, Strings> = { en, es, de, ar };

/** Scripts written right to left: the panel mirrors its layout for them. */
const RTL = new Set(['ar', 'he', 'fa', 'ur']);

/** The best table for a BCP 47 tag ("es-MX" → es), falling back to English. */
export function resolveLocale(tag: string | undefined): { lang: string; strings: Strings; dir: 'ltr' | 'rtl' } {
  const lang = (tag || 'en').toLowerCase().split(/[-_]/)[0];
  return { lang, strings: LOCALES[lang] ?? en, dir: RTL.has(lang) ? 'rtl' : 'ltr' };
}

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, k: string) => (k in values ? String(values[k]) : whole));
}
