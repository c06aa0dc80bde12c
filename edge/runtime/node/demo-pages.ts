import type { Hono } from 'hono';
import type { Db } from '../../core/ports';
import { DEMO_SITE } from './seed';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The demo shop's help and product pages, drawn from the documents the assistant cites, so a
 * citation link on the demo opens a real page instead of a 404.
 */
export function mountDemoPages(app: Hono, db: Db): void {
  for (const prefix of ['/help', '/products']) {
    app.get(`${prefix}/*`, async (c, next) => {
      const path = c.req.path.replace(/\/+$/, '');
      const docs = (await db.documents.list(DEMO_SITE)).filter((d) => d.url === path);
      if (docs.length === 0) return next();
      const sections = await Promise.all(
        docs.map(async (d) => {
          const body = (await db.chunks.ofDocument(d.id)).map((ch) => `<p>${escape(ch.content).replace(/\n/g, '<br>')}</p>`).join('\n');
          return `<section><h2>${escape(d.title)}</h2>\n${body}</section>`;
        }),
      );
      const title = escape(docs.find((d) => d.kind !== 'faq')?.title ?? docs[0].title);
      return c.html(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
          `<title>${title} — Juniper Peak Outfitters</title><link rel="stylesheet" href="/assets/shop.css">` +
          `<script src="/sdk/support-chat.iife.js" data-site="demo" async></script></head>` +
          `<body><header><strong>Juniper Peak Outfitters</strong><nav aria-label="Main"><a href="/">Shop</a></nav></header>` +
          `<main><h1>${title}</h1>\n${sections.join('\n')}</main></body></html>`,
      );
    });
  }
}
