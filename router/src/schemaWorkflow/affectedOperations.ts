import {
  NoUnusedFragmentsRule,
  specifiedRules,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  getNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { KnownOperation } from './loadKnownOperations.ts';

export interface AffectedOperation {
  name: string;
  source: string;
  /** Why the new schema rejects it, as `graphql`'s `validate` puts it. */
  errors: string[];
  /** Schema coordinates the operation uses (`Type`, `Type.field`, `Type.field.arg`, `Enum.VALUE`), to tie it to changes. */
  coordinates: string[];
}

// Each operation is validated with all of its document's fragments, some of
// which another operation uses; that is not the client's mistake.
const rules = specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule);

/**
 * The operations that validate against the old API schema but not against
 * the new one. Operations that were already invalid are someone else's
 * problem and are left out, so an old broken file never blocks a change.
 */
export function affectedOperations(operations: KnownOperation[], oldSchema: GraphQLSchema, newSchema: GraphQLSchema): AffectedOperation[] {
  return operations.flatMap((operation) => {
    if (validate(oldSchema, operation.document, rules).length > 0) return [];
    const errors = validate(newSchema, operation.document, rules);
    if (errors.length === 0) return [];
    return [
      {
        name: operation.name,
        source: operation.source,
        errors: errors.map((error) => error.message),
        coordinates: coordinatesUsed(operation, oldSchema),
      },
    ];
  });
}

/** Every schema coordinate the operation touches, resolved against the schema it was valid for. */
export function coordinatesUsed(operation: KnownOperation, schema: GraphQLSchema): string[] {
  const used = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    operation.document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent) used.add(`${parent.name}.${node.name.value}`);
        const type = typeInfo.getType();
        if (type) used.add(getNamedType(type).name);
      },
      Argument(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field) used.add(`${parent.name}.${field.name}.${node.name.value}`);
      },
      ObjectField(node) {
        const input = typeInfo.getParentInputType();
        if (input) used.add(`${getNamedType(input).name}.${node.name.value}`);
      },
      EnumValue(node) {
        const input = typeInfo.getInputType();
        if (input) used.add(`${getNamedType(input).name}.${node.value}`);
      },
      NamedType(node) {
        used.add(node.name.value);
      },
    }),
  );
  return [...used].sort();
}
