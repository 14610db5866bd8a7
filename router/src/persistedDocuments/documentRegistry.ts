import { appError } from '@supergraph/common';
import type { GraphQLError } from 'graphql';
import { loadPersistedDocuments, sha256 } from './persistedDocuments.ts';

/**
 * The documents clients registered at build time, and whether the router
 * runs only those (`PERSISTED_DOCUMENTS_ONLY`): a production API whose
 * clients are all known refuses every other document, so nobody can send it
 * a query its own clients never make.
 */
export class DocumentRegistry {
  constructor(
    private readonly documents: ReadonlyMap<string, string>,
    readonly registeredOnly: boolean,
  ) {}

  static async load(location: string | undefined, registeredOnly: boolean): Promise<DocumentRegistry> {
    if (registeredOnly && !location) throw new Error('PERSISTED_DOCUMENTS_ONLY needs PERSISTED_DOCUMENTS: the documents clients registered.');
    return new DocumentRegistry(location ? await loadPersistedDocuments(location) : new Map(), registeredOnly);
  }

  get size(): number {
    return this.documents.size;
  }

  byHash(hash: string): string | undefined {
    return this.documents.get(hash.toLowerCase());
  }

  /** The error refusing a document by its hash, or null when it may run. */
  refusal(hash: string): GraphQLError | null {
    if (!this.registeredOnly || this.documents.has(hash.toLowerCase())) return null;
    return appError('OPERATION_NOT_REGISTERED', 'This router runs only the operations its clients registered; this document is not one of them.');
  }

  /** The same, for a document's text. */
  refusalOf(document: string): GraphQLError | null {
    return this.registeredOnly ? this.refusal(sha256(document)) : null;
  }
}
