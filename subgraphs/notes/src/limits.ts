/** Size limits of notes and tags; the SDL's descriptions state the same numbers. */
export const LIMITS = {
  titleLength: 200,
  contentLength: 20_000,
  tagsPerNote: 20,
  tagNameLength: 50,
  searchQueryLength: 200,
} as const;
