import { context, trace } from '@opentelemetry/api';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { isTracing } from './registerTracing.ts';
import { failSpan } from './withSpan.ts';

/**
 * Gives every Query and Mutation field of a subgraph (entity lookups through
 * `_entities` included) a span of `tracerName`, active while it resolves:
 * these are the resolvers that go to the database, so Prisma's spans nest
 * under the field that caused them. Nested fields read what their parent
 * loaded, or go through per-request loaders, and get no span of their own.
 * The resolvers are wrapped in place, once however often a schema is
 * served; with tracing off a wrapped resolver checks one boolean and calls
 * the original.
 */
export function traceRootFields(schema: GraphQLSchema, tracerName: string): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      if (field.resolve && traced.has(field.resolve)) continue;
      field.resolve = tracedResolver(field.resolve ?? defaultFieldResolver, `${type!.name}.${field.name}`, tracerName);
      traced.add(field.resolve);
    }
  }
  return schema;
}

const traced = new WeakSet<GraphQLFieldResolver<unknown, unknown>>();

function tracedResolver(resolve: GraphQLFieldResolver<unknown, unknown>, name: string, tracerName: string): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, contextValue, info) => {
    if (!isTracing()) return resolve(source, args, contextValue, info);
    const span = trace.getTracer(tracerName).startSpan(`resolve ${name}`, { attributes: { 'graphql.field.path': name } });
    const end = <T>(value: T) => (span.end(), value);
    try {
      const result = context.with(trace.setSpan(context.active(), span), () => resolve(source, args, contextValue, info));
      if (result instanceof Promise) {
        return result.then(end, (error: unknown) => {
          failSpan(span, error);
          throw end(error);
        });
      }
      return end(result);
    } catch (error) {
      failSpan(span, error);
      throw end(error);
    }
  };
}
