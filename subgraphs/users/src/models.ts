import type { Connection } from '@supergraph/common';
import type { UserModel } from './__generated__/prisma/models.ts';

/** What connection resolvers return; codegen maps the GraphQL types to these. */
export type UserConnectionModel = Connection<UserModel>;
