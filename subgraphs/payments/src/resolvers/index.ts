import { DateTimeResolver } from '@supergraph/common';
import type { Resolvers } from '../__generated__/resolvers.ts';
import { Order } from './Order.ts';
import { Payment } from './Payment.ts';
import { Query } from './Query.ts';

export const resolvers: Resolvers = { DateTime: DateTimeResolver, Query, Order, Payment };
