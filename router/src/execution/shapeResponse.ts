import {
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  Variable,
  type CompositeType,
  type Directive,
  type FieldSelection,
  type NamedType,
  type Operation,
  type Schema,
  type Selection,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';

/** What `@apollo/gateway`'s `computeResponse` takes, and gives back. */
export interface ShapeInput {
  operation: Operation;
  variables?: Record<string, unknown>;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: FieldSelection) => unknown;
}

export interface ShapeResult {
  data: Record<string, unknown> | null | undefined;
  errors: GraphQLError[];
}

/**
 * The gateway's last step, done faster: from the data the subgraphs sent,
 * merged by the query plan, keep what the operation asked for, in its
 * order and under its aliases, and complete it as GraphQL does (a null
 * where the schema forbids one nulls the nearest nullable parent, with an
 * error; a leaf of the wrong type becomes null, with an error).
 *
 * Same contract and same results as `@apollo/gateway`'s `computeResponse`,
 * errors and their paths included (a test compares the two on every case
 * it knows). That one walks the operation's selection sets for every value
 * and allocates a result object per value, through federation-internals'
 * re-exported getters: a fifth of the router's CPU on nested queries. This
 * one turns each selection set into a plain list of steps the first time a
 * request meets it (its selection sets are the request's own objects, so
 * the steps live as long as they do), and caches per schema what it asks of
 * types.
 */
export function shapeResponse({ operation, variables, input, introspectionHandling }: ShapeInput): ShapeResult {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const shaping: Shaping = {
    types: typesOf(schema),
    variables: { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables },
    errors: [],
    introspectionHandling,
    path: [],
    flags: 0,
  };
  const data = new ResponseObject();
  const root = schema.schemaDefinition.rootType(operation.rootKind)!;
  const bubbled = applySteps(shaping, stepsOf(operation.selectionSet), input, data, root.name);
  return { data: bubbled ? null : data, errors: shaping.errors };
}

/**
 * The objects of a response: without a prototype to inherit names from (a
 * response name may be `constructor` or `__proto__`), like the gateway's
 * `Object.create(null)`, yet with V8's fast properties, which objects
 * created that way never get; serialising the response took 3% of the
 * router's CPU with those.
 */
const ResponseObject = function ResponseObject() {} as unknown as new () => Record<string, unknown>;
ResponseObject.prototype = Object.create(null);

interface Shaping {
  types: SchemaTypes;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  introspectionHandling: ShapeInput['introspectionHandling'];
  path: (string | number)[];
  /** What the last `completeValue` found, read right after it returns (no result object per value). */
  flags: number;
}

/** The value is invalid: the parent must become null. */
const INVALID = 1;
/** An error was recorded for the value or below it. */
const HAS_ERRORS = 2;

/** A `@skip` or `@include` condition: a literal, or a variable read per request. */
interface Condition {
  skip: boolean;
  literal?: boolean;
  variable?: string;
  directive: Directive<any>;
}

type Step = FieldStep | FragmentStep;

interface FieldStep {
  kind: 'field';
  conditions: Condition[];
  responseName: string;
  isTypename: boolean;
  isIntrospection: boolean;
  selection: FieldSelection;
  value: ValueShape;
}

interface FragmentStep {
  kind: 'fragment';
  conditions: Condition[];
  /** Null for a fragment without a type condition. */
  typeCondition: CompositeType | null;
  selectionSet: SelectionSet;
}

/** How to complete one value; `selects`: whether the field has a selection set. */
type ValueShape = { selects: boolean } & (
  | { kind: 'nonNull'; of: ValueShape; ofType: Type }
  | { kind: 'list'; of: ValueShape; type: Type }
  | { kind: 'composite'; type: Type; selectionSet: SelectionSet | undefined }
  | { kind: 'leaf'; type: Type; valid: (value: unknown) => boolean }
);

const stepsBySelectionSet = new WeakMap<SelectionSet, Step[]>();

function stepsOf(selectionSet: SelectionSet): Step[] {
  let steps = stepsBySelectionSet.get(selectionSet);
  if (!steps) {
    steps = selectionSet.selections().map(stepOf);
    stepsBySelectionSet.set(selectionSet, steps);
  }
  return steps;
}

function stepOf(selection: Selection): Step {
  const conditions = conditionsOf(selection.element.appliedDirectives);
  if (selection.kind === 'FieldSelection') {
    const field = selection.element;
    return {
      kind: 'field',
      conditions,
      responseName: field.responseName(),
      isTypename: field.name === '__typename',
      isIntrospection: field.definition.isSchemaIntrospectionField(),
      selection,
      value: valueShapeOf(field.definition.type!, selection.selectionSet),
    };
  }
  return { kind: 'fragment', conditions, typeCondition: selection.element.typeCondition ?? null, selectionSet: selection.selectionSet };
}

function conditionsOf(directives: readonly Directive<any>[]): Condition[] {
  // `@skip` is looked at before `@include`, as graphql-js and the gateway do.
  const conditions: Condition[] = [];
  for (const name of ['skip', 'include']) {
    const directive = directives.find((applied) => applied.name === name);
    if (!directive) continue;
    const condition = directive.arguments().if;
    conditions.push(
      condition instanceof Variable ? { skip: name === 'skip', variable: condition.name, directive } : { skip: name === 'skip', literal: Boolean(condition), directive },
    );
  }
  return conditions;
}

function valueShapeOf(type: Type, selectionSet: SelectionSet | undefined): ValueShape {
  const selects = selectionSet !== undefined;
  if (isNonNullType(type)) return { selects, kind: 'nonNull', of: valueShapeOf(type.ofType, selectionSet), ofType: type.ofType };
  if (isListType(type)) return { selects, kind: 'list', of: valueShapeOf(type.ofType, selectionSet), type };
  if (isCompositeType(type)) return { selects, kind: 'composite', type, selectionSet };
  return { selects, kind: 'leaf', type, valid: leafCheckOf(type as NamedType) };
}

function skipped(conditions: Condition[], variables: Record<string, unknown>): boolean {
  for (const condition of conditions) {
    let value = condition.literal;
    if (condition.variable !== undefined) {
      const given = variables[condition.variable];
      if (typeof given !== 'boolean') throw new Error(`Unexpected value ${given} for variable $${condition.variable} of ${condition.directive}`);
      value = given;
    }
    if (condition.skip ? value : !value) return true;
  }
  return false;
}

/** Fills `output` from `input` for one selection set; true when a null must bubble up past it. */
function applySteps(shaping: Shaping, steps: Step[], input: Record<string, unknown>, output: Record<string, unknown>, parentType: string): boolean {
  for (const step of steps) {
    if (step.conditions.length && skipped(step.conditions, shaping.variables)) continue;
    if (step.kind === 'fragment') {
      const typename = input.__typename;
      if (typename && typeof typename !== 'string') throw new Error(`Got unexpected value for __typename: ${typename}`);
      if (step.typeCondition && !shaping.types.applies(step.typeCondition, (typename as string) || parentType)) continue;
      const innerParent = step.typeCondition ? step.typeCondition.name : parentType;
      if (applySteps(shaping, stepsOf(step.selectionSet), input, output, innerParent)) return true;
      continue;
    }
    const { responseName } = step;
    const outputValue = output[responseName];
    if (step.isIntrospection) {
      if (outputValue === undefined) output[responseName] = shaping.introspectionHandling(step.selection);
      continue;
    }
    let inputValue = Object.hasOwn(input, responseName) ? (input[responseName] ?? null) : null;
    if (step.isTypename) {
      if (outputValue !== undefined) continue;
      if (inputValue === null && responseName !== '__typename') inputValue = input.__typename ?? null;
      const typename = typeof inputValue === 'string' && shaping.types.kindOf(inputValue) !== undefined ? inputValue : parentType;
      if (shaping.types.kindOf(typename) !== 'object') return true;
      output[responseName] = typename;
      continue;
    }
    shaping.path.push(responseName);
    output[responseName] = completeValue(shaping, step.value, outputValue, inputValue, parentType);
    shaping.path.pop();
    if (shaping.flags & INVALID) return true;
  }
  return false;
}

/**
 * One value of the output, from the subgraphs' `inputValue` and what an
 * earlier selection of the same response name already put there
 * (`outputValue`). Sets `shaping.flags` for the caller.
 */
function completeValue(shaping: Shaping, shape: ValueShape, outputValue: unknown, inputValue: unknown, parentType: string): unknown {
  shaping.flags = 0;
  if (inputValue === undefined) throw new Error('Should not pass undefined for `inputValue` to this method');
  // A response name selected twice: a leaf keeps its first value, an object is completed further.
  if (outputValue === null || (outputValue !== undefined && !shape.selects)) return outputValue;
  switch (shape.kind) {
    case 'nonNull': {
      const updated = completeValue(shaping, shape.of, outputValue, inputValue, parentType);
      if (updated !== null) {
        shaping.flags = 0;
        return updated;
      }
      if (!(shaping.flags & HAS_ERRORS)) {
        shaping.errors.push(
          ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${describeLast(shaping.path, shape.ofType, parentType)}.`, { path: [...shaping.path] }),
        );
      }
      shaping.flags = INVALID | HAS_ERRORS;
      return null;
    }
    case 'list': {
      if (inputValue === null) return null;
      if (!Array.isArray(inputValue)) throw new Error(`Invalid non-list value ${inputValue} returned by subgraph for list type ${shape.type}`);
      if (outputValue !== undefined && !Array.isArray(outputValue)) throw new Error(`Invalid non-list value ${outputValue} returned by subgraph for list type ${shape.type}`);
      const earlier = outputValue as unknown[] | undefined;
      if (earlier && earlier.length !== inputValue.length) {
        throw new Error(`[${inputValue}].length (${inputValue.length}) !== [${earlier}].length (${earlier.length})`);
      }
      let nullify = false;
      let hasErrors = false;
      const updated = new Array<unknown>(inputValue.length);
      for (let index = 0; index < inputValue.length; index++) {
        shaping.path.push(index);
        updated[index] = completeValue(shaping, shape.of, earlier?.[index], inputValue[index], parentType);
        shaping.path.pop();
        if (shaping.flags & INVALID) nullify = true;
        if (shaping.flags & HAS_ERRORS) hasErrors = true;
      }
      shaping.flags = hasErrors ? HAS_ERRORS : 0;
      return nullify ? null : updated;
    }
    case 'composite': {
      if (inputValue === null) return null;
      if (!shape.selectionSet) throw new Error(`Invalid empty selection set for composite type ${shape.type}`);
      if (typeof inputValue !== 'object') throw new Error(`Invalid non-object value ${inputValue} returned by subgraph for composite type ${shape.type}`);
      if (outputValue !== undefined && typeof outputValue !== 'object') {
        throw new Error(`Invalid non-object value ${inputValue} returned by subgraph for composite type ${shape.type}`);
      }
      const object = inputValue as Record<string, unknown>;
      const typename = object.__typename;
      if (typename !== undefined && typeof typename !== 'string') throw new Error(`Invalid non-string value ${typename} for __typename at ${shaping.path}`);
      let objectType = (shape.type as NamedType).name;
      if (typename) {
        const kind = shaping.types.kindOf(typename);
        if (kind !== 'object' && kind !== 'abstract') {
          shaping.errors.push(
            ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describeLast(shaping.path, shape.type, parentType)}.`, { path: [...shaping.path] }),
          );
          shaping.flags = HAS_ERRORS;
          return null;
        }
        objectType = typename;
      }
      const output = (outputValue ?? new ResponseObject()) as Record<string, unknown>;
      const bubbled = applySteps(shaping, stepsOf(shape.selectionSet), object, output, objectType);
      shaping.flags = bubbled ? HAS_ERRORS : 0;
      return bubbled ? null : output;
    }
    case 'leaf': {
      if (inputValue === null) return null;
      if (outputValue !== undefined) throw new Error(`Excepted output to be undefined but got ${shape.type} for type ${shape.type}`);
      if (shape.valid(inputValue)) return inputValue;
      shaping.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describeLast(shaping.path, shape.type, parentType)}.`, { path: [...shaping.path] }));
      shaping.flags = HAS_ERRORS;
      return null;
    }
  }
}

function describeLast(path: (string | number)[], type: Type, parentType: string): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? `field ${parentType}.${last}` : `array element of type ${type} at index ${last}`;
}

/**
 * What shaping asks of the schema's types, by name, answered once per
 * schema: the supergraph's API schema lives until the next reload.
 */
interface SchemaTypes {
  /** The kind of the type named `name`, undefined when the schema has none. */
  kindOf(name: string): TypeKind | undefined;
  /** Whether a fragment on `condition` applies to a value of type `name`. */
  applies(condition: CompositeType, name: string): boolean;
}

/** An object type, an interface or union, or anything else (scalars, enums, inputs). */
type TypeKind = 'object' | 'abstract' | 'other';

const typesBySchema = new WeakMap<Schema, SchemaTypes>();

function typesOf(schema: Schema): SchemaTypes {
  let types = typesBySchema.get(schema);
  if (!types) {
    // Keyed by names of the schema only: a __typename a subgraph makes up is looked up, never kept.
    const kinds = new Map<string, TypeKind>();
    const subtypes = new Map<CompositeType, Map<string, boolean>>();
    types = {
      kindOf(name) {
        let kind = kinds.get(name);
        if (kind === undefined) {
          const type = schema.type(name);
          if (type === undefined) return undefined;
          kind = isObjectType(type) ? 'object' : isCompositeType(type) ? 'abstract' : 'other';
          kinds.set(name, kind);
        }
        return kind;
      },
      applies(condition, name) {
        let ofCondition = subtypes.get(condition);
        if (!ofCondition) subtypes.set(condition, (ofCondition = new Map()));
        let applies = ofCondition.get(name);
        if (applies === undefined) {
          const type = schema.type(name);
          if (type === undefined) return false;
          applies = isSubtype(condition, type);
          ofCondition.set(name, applies);
        }
        return applies;
      },
    };
    typesBySchema.set(schema, types);
  }
  return types;
}

/** Whether a leaf value fits its type, as the gateway checks it (`isValidLeafValue`), decided once per type. */
function leafCheckOf(type: NamedType): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  const schema = type.schema();
  if (isEnumType(type)) {
    const values = new Set(type.values.map((value) => value.name));
    return (value) => typeof value === 'string' && values.has(value);
  }
  if (type === schema.booleanType()) return (value) => typeof value === 'boolean';
  if (type === schema.intType()) return isInteger;
  if (type === schema.floatType()) return (value) => typeof value === 'number' && Number.isFinite(value);
  if (type === schema.idType()) return (value) => typeof value === 'string' || isInteger(value);
  return (value) => typeof value === 'string';
}

/** An integer JavaScript prints without an exponent (the gateway tests the printed number against /^-?(?:0|[1-9][0-9]*)$/). */
function isInteger(value: unknown): boolean {
  return Number.isInteger(value) && Math.abs(value as number) < 1e21;
}
