import { DateTimeResolver } from '@supergraph/common';
import type { Resolvers } from '../__generated__/resolvers.ts';
import { Mutation } from './Mutation.ts';
import { Note } from './Note.ts';
import { Query } from './Query.ts';
import { User } from './User.ts';

export const resolvers: Resolvers = { DateTime: DateTimeResolver, Query, Mutation, Note, User };
