import { z } from 'zod';
import { EVENT_TYPE_PATTERN, parseInput } from '@supergraph/common';
import { declaredEventTypes } from './__generated__/eventTypes.ts';
import { ALL_EVENT_TYPES, LIMITS } from './limits.ts';

// Only types some subgraph declares (its event contracts): an unknown one, a
// typo say, would be stored and then simply never match an event.
const knownEventTypes = new Set(declaredEventTypes);

const createEndpointSchema = z.object({
  url: z.string().trim().min(1).max(LIMITS.urlLength).pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
  eventTypes: z
    .array(z.string().trim().refine((type) => type === ALL_EVENT_TYPES || EVENT_TYPE_PATTERN.test(type), 'must hold event types such as "note.created", or "*"'))
    .min(1)
    .max(LIMITS.eventTypesPerEndpoint)
    .superRefine((types, context) => {
      const unknown = types.find((type) => type !== ALL_EVENT_TYPES && !knownEventTypes.has(type));
      if (unknown !== undefined) context.addIssue({ code: 'custom', message: `names ${JSON.stringify(unknown)}, which is not an event type of this platform (see docs/events.md for the list)` });
    })
    .transform((types) => [...new Set(types)]),
  description: z.string().trim().max(LIMITS.descriptionLength).nullish().transform((value) => value || null),
});

export type CreateEndpoint = z.infer<typeof createEndpointSchema>;

export const parseCreateEndpoint = (input: unknown): CreateEndpoint => parseInput(createEndpointSchema, input, 'input');
