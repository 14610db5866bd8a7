/**
 * The fixture subgraphs' data: computed, never random, so every gateway and
 * every run sees the same graph. Each subgraph serves only its own fields of
 * these records.
 */
export interface User {
  id: string;
  name: string;
  username: string;
}

export interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
}

export interface Review {
  id: string;
  body: string;
  rating: number;
  authorId: string;
  productUpc: string;
}

export const USER_COUNT = 100;
export const PRODUCT_COUNT = 60;
/** Each user wrote this many reviews; 7 and PRODUCT_COUNT are coprime, so each product gets USER_COUNT * REVIEWS_PER_USER / PRODUCT_COUNT (5). */
export const REVIEWS_PER_USER = 3;

export const users: User[] = Array.from({ length: USER_COUNT }, (_, i) => ({ id: `u${i}`, name: `User ${i}`, username: `user${i}` }));

export const products: Product[] = Array.from({ length: PRODUCT_COUNT }, (_, i) => ({
  upc: `p${i}`,
  name: `Product ${i}`,
  price: 100 + ((i * 37) % 900),
  weight: 50 + ((i * 13) % 950),
}));

export const reviews: Review[] = Array.from({ length: USER_COUNT * REVIEWS_PER_USER }, (_, i) => ({
  id: `r${i}`,
  body: `Review ${i}: a fair product for the price.`,
  rating: 1 + (i % 5),
  authorId: `u${Math.floor(i / REVIEWS_PER_USER)}`,
  productUpc: `p${(i * 7) % PRODUCT_COUNT}`,
}));
