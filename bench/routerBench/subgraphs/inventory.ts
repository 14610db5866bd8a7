import type { Product } from './catalogue.ts';

/** What the gateway sends for each product: its key and the fields `shippingEstimate` requires. */
type ProductReference = Pick<Product, 'upc'> & Partial<Pick<Product, 'price' | 'weight'>>;

export const resolvers = {
  Product: {
    __resolveReference: (reference: ProductReference) => reference,
    inStock: ({ upc }: ProductReference) => Number(upc.slice(1)) % 4 !== 0,
    // A day when dearer than 5.00, otherwise a day per 200 g started.
    shippingEstimate: ({ price, weight }: ProductReference) => {
      if (price === undefined || weight === undefined) throw new Error('shippingEstimate needs price and weight (@requires)');
      return price > 500 ? 1 : Math.ceil(weight / 200);
    },
  },
};
