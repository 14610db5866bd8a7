import { products, type Product } from './catalogue.ts';

const productByUpc = new Map(products.map((product) => [product.upc, product]));

export const resolvers = {
  Query: {
    topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, Math.max(first, 0)),
  },
  Product: {
    __resolveReference: ({ upc }: Pick<Product, 'upc'>) => productByUpc.get(upc) ?? null,
  },
};
