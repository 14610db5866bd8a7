import type { Connection } from '@supergraph/common';
import type { OrderModel, ProductModel } from './__generated__/prisma/models.ts';

/** What resolvers return; codegen maps the GraphQL types to these. */
export type OrderConnectionModel = Connection<OrderModel>;
export type ProductConnectionModel = Connection<ProductModel>;

/** A user owned by the users subgraph: this subgraph knows only the id. */
export interface UserRef {
  id: string;
}
