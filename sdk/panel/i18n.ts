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
  /** Asked for a person: waiting in the queue. */
  queued: string;
  /** A person took the conversation ({name}). */
  joined: string;
  /** The same, with the team they answer for ({name}, {team}: the site's name). */
  joinedFrom: string;
  /** The person ({name}) closed it: the assistant answers again. */
  left: string;
  /** Closed before anyone joined. */
  closed: string;
  /** The ticket's number as people say it ({n}). */
  number: string;
  /** Nobody is online: a reply may take a while, leave an email. */
  away: string;
  /** The email field's label. */
  email: string;
  /** The email was taken ({email}: what the visitor typed in this tab). */
  emailed: string;
  /** The email was taken, the address unknown here (another tab, a reload). */
  emailedAny: string;
  /** A person ({name}) is typing. */
  agentTyping: string;
  /** The input's placeholder while a person ({name}) is in the conversation. */
  messageTo: string;
  /** What a screen reader hears of a person's reply ({name}, {text}). */
  said: string;
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
  queued: "You're in the queue. Someone from our team will reply here.",
  joined: '{name} joined the conversation',
  joinedFrom: '{name} from {team} joined the conversation',
  left: '{name} left the conversation. The assistant will answer from here.',
  closed: 'The request was closed. The assistant will answer from here.',
  number: 'Ticket #{n}',
  away: "No one is available right now, so a reply may take a while. Leave your email and we'll write to you.",
  email: 'Your email',
  emailed: "We'll email you at {email}.",
  emailedAny: "We'll email you at the address you gave.",
  agentTyping: '{name} is typing…',
  messageTo: 'Message {name}…',
  said: '{name}: {text}',
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
  queued: 'Estás en la cola. Alguien de nuestro equipo te responderá aquí.',
  joined: '{name} se unió a la conversación',
  joinedFrom: '{name}, de {team}, se unió a la conversación',
  left: '{name} salió de la conversación. El asistente responderá a partir de ahora.',
  closed: 'La solicitud se cerró. El asistente responderá a partir de ahora.',
  number: 'Ticket n.º {n}',
  away: 'Ahora no hay nadie disponible, así que la respuesta puede tardar. Déjanos tu correo y te escribiremos.',
  email: 'Tu correo electrónico',
  emailed: 'Te escribiremos a {email}.',
  emailedAny: 'Te escribiremos a la dirección que nos diste.',
  agentTyping: '{name} está escribiendo…',
  messageTo: 'Mensaje para {name}…',
  said: '{name}: {text}',
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
  queued: 'Sie sind in der Warteschlange. Jemand aus unserem Team antwortet Ihnen hier.',
  joined: '{name} ist dem Gespräch beigetreten',
  joinedFrom: '{name} von {team} ist dem Gespräch beigetreten',
  left: '{name} hat das Gespräch verlassen. Ab jetzt antwortet wieder der Assistent.',
  closed: 'Die Anfrage wurde geschlossen. Ab jetzt antwortet wieder der Assistent.',
  number: 'Ticket Nr. {n}',
  away: 'Gerade ist niemand erreichbar, eine Antwort kann daher etwas dauern. Hinterlassen Sie Ihre E-Mail-Adresse, dann schreiben wir Ihnen.',
  email: 'Ihre E-Mail-Adresse',
  emailed: 'Wir schreiben Ihnen an {email}.',
  emailedAny: 'Wir schreiben Ihnen an die angegebene Adresse.',
  agentTyping: '{name} schreibt…',
  messageTo: 'Nachricht an {name}…',
  said: '{name}: {text}',
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
  queued: 'أنت في قائمة الانتظار. سيرد عليك أحد أعضاء فريقنا هنا.',
  joined: '{name} في المحادثة الآن',
  joinedFrom: '{name} من {team} في المحادثة الآن',
  left: 'انتهت مشاركة {name} في المحادثة. سيتولى المساعد الرد من الآن.',
  closed: 'أُغلق الطلب. سيتولى المساعد الرد من الآن.',
  number: 'التذكرة رقم {n}',
  away: 'لا يوجد أحد متاح الآن، لذا قد يستغرق الرد بعض الوقت. اترك بريدك الإلكتروني وسنراسلك.',
  email: 'بريدك الإلكتروني',
  emailed: 'سنراسلك على {email}.',
  emailedAny: 'سنراسلك على العنوان الذي أدخلته.',
  agentTyping: '{name}: جارٍ الكتابة…',
  messageTo: 'رسالة إلى {name}…',
  said: '{name}: {text}',
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
