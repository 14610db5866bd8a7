/** Size limits of endpoints; the SDL's descriptions state the same numbers. */
export const LIMITS = {
  urlLength: 2048,
  eventTypesPerEndpoint: 20,
  descriptionLength: 200,
} as const;

/** Subscribes an endpoint to every event type its owner may see. */
export const ALL_EVENT_TYPES = '*';
