/**
 * The embedded embedding models the Node runtime can run, handed to `selectProviders`
 * (edge/wiring/providers.ts stays free of Node-only imports, since the Worker bundles it).
 */
import type { LocalModel } from '../../wiring/providers';
import { MINILM_MODEL, MiniLmEmbedder, miniLmFiles } from '../../providers/embeddings/minilm';

export function nodeLocalModels(): LocalModel[] {
  return [
    {
      model: MINILM_MODEL,
      unavailable: () => {
        const files = miniLmFiles();
        return 'missing' in files ? files.missing : null;
      },
      create: () => new MiniLmEmbedder(),
    },
  ];
}
