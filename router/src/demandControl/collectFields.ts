import {
  isAbstractType,
  Kind,
  valueFromASTUntyped,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** Whether a fragment's type condition (a type name) applies. */
export type TypeCondition = (typeName: string) => boolean;

/** Conditions that hold for an object of type `runtime`: its own name, or an interface or union it belongs to. */
export function conditionFor(schema: GraphQLSchema, runtime: GraphQLObjectType): TypeCondition {
  return (typeName) => {
    if (typeName === runtime.name) return true;
    const type = schema.getType(typeName);
    return type !== undefined && isAbstractType(type) && schema.isSubType(type, runtime);
  };
}

/**
 * The fields some selection sets ask of one object, by response key, as
 * execution collects them (GraphQL spec, CollectFields): fragments whose
 * type condition does not hold are left out, `@skip` and `@include` are
 * respected, each named fragment is spread once, and the nodes of fields
 * sharing a response key are kept together, so their selections merge and
 * a field asked twice is counted once. A condition whose variable has no
 * value is taken as including the field: an estimate errs on the dear side.
 */
export function collectFields(
  selectionSets: readonly SelectionSetNode[],
  applies: TypeCondition,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const spread = new Set<string>();
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (!included(selection.directives, variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const nodes = fields.get(key);
        if (nodes) nodes.push(selection);
        else fields.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || applies(selection.typeCondition.name.value)) collect(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (spread.has(name) || !fragment || !applies(fragment.typeCondition.name.value)) continue;
        spread.add(name);
        collect(fragment.selectionSet);
      }
    }
  };
  for (const selectionSet of selectionSets) collect(selectionSet);
  return fields;
}

function included(directives: readonly DirectiveNode[] | undefined, variables: Record<string, unknown>): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const argument = directive.arguments?.find((candidate) => candidate.name.value === 'if');
    const condition = argument && valueFromASTUntyped(argument.value, variables);
    if (typeof condition !== 'boolean') continue;
    if (name === 'skip' ? condition : !condition) return false;
  }
  return true;
}
