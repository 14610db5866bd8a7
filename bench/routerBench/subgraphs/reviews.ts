import { products, reviews, users, type Review } from './catalogue.ts';

const reviewById = new Map(reviews.map((review) => [review.id, review]));
const reviewsByAuthor = new Map(users.map(({ id }) => [id, reviews.filter((review) => review.authorId === id)]));
const reviewsByProduct = new Map(products.map(({ upc }) => [upc, reviews.filter((review) => review.productUpc === upc)]));

export const resolvers = {
  Review: {
    __resolveReference: ({ id }: Pick<Review, 'id'>) => reviewById.get(id) ?? null,
    author: (review: Review) => ({ __typename: 'User', id: review.authorId }),
    product: (review: Review) => ({ __typename: 'Product', upc: review.productUpc }),
  },
  User: {
    __resolveReference: ({ id }: { id: string }) => ({ id }),
    reviews: ({ id }: { id: string }) => reviewsByAuthor.get(id) ?? [],
  },
  Product: {
    __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
    reviews: ({ upc }: { upc: string }) => reviewsByProduct.get(upc) ?? [],
  },
};
