/** Ten users with their notes (and tags) and orders (and items): what a dashboard asks, and what armor's depth-weighted cost refused. */
export const DASHBOARD =
  '{ users(first: 10) { edges { node { name notes(first: 5) { edges { node { title tags { name } } } } orders(first: 5) { edges { node { items { product { name } } } } } } } } }';

/** A hundred users with a hundred notes and a hundred orders each: over the default COST_LIMIT. */
export const OVER_THE_LIMIT =
  '{ users(first: 100) { edges { node { notes(first: 100) { edges { node { title } } } orders(first: 100) { edges { node { id } } } } } } }';
