import { describe, expect, it } from 'vitest';
import { ownerWarning } from '../../../sdk/panel/owner-warning';
import type { PanelConfig } from '../../../sdk/element/host';

const config = { site: 'acme', endpoint: 'https://support.acme.example', locale: 'en', inline: false, strings: {} } as PanelConfig;

describe("the console line a refused page leaves for the site's owner", () => {
  it('names the origin and the command that allows it (forbidden origin)', () => {
    expect(ownerWarning('forbidden_origin', config, 'https://shop.acme.example')).toBe(
      '<support-chat>: the server at https://support.acme.example refused this page: https://shop.acme.example is not an allowed origin of site "acme". ' +
        'Allow it: npm run site -- set acme --add-origin https://shop.acme.example (or PATCH /v1/admin/sites/acme with {"addOrigins":["https://shop.acme.example"]}).',
    );
  });

  it('says how to make a site that does not exist, and where the key is for one that wants it', () => {
    expect(ownerWarning('unknown_site', config, 'https://shop.acme.example')).toContain('has no site "acme"');
    expect(ownerWarning('unknown_site', config, 'https://shop.acme.example')).toContain('npm run site -- create acme --origin https://shop.acme.example');
    expect(ownerWarning('unauthorized', config, 'https://shop.acme.example')).toContain('add key="pk_…" to the element (npm run site -- show acme prints it)'.replace('add', 'Add'));
  });
});
