import type { ProductResolvers } from '../__generated__/resolvers.ts';

export const Product: ProductResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.productById.load(reference.id),
};
