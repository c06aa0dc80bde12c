/** Errors about how ingest was asked to run (not about a file's content): the CLI exits 2 on these. */
export class IngestConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestConfigError';
  }
}
