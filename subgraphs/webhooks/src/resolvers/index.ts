import { DateTimeResolver } from '@supergraph/common';
import type { Resolvers } from '../__generated__/resolvers.ts';
import { Mutation } from './Mutation.ts';
import { Query } from './Query.ts';
import { User } from './User.ts';
import { WebhookDelivery } from './WebhookDelivery.ts';
import { WebhookEndpoint } from './WebhookEndpoint.ts';

export const resolvers: Resolvers = { DateTime: DateTimeResolver, Query, Mutation, User, WebhookEndpoint, WebhookDelivery };
