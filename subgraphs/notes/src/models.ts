import type { Connection } from '@supergraph/common';
import type { NoteModel, TagModel } from './__generated__/prisma/models.ts';

/** A user is owned by the users subgraph; here it is only its key. */
export interface UserRef {
  id: string;
}

/** What connection resolvers return; codegen maps the GraphQL types to these. */
export type NoteConnectionModel = Connection<NoteModel>;
export type TagConnectionModel = Connection<TagModel>;
