import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/**
 * Fields whose answer can run to tens of megabytes: a session's every order with its items and
 * notes, a page of up to 1,000 events of a log. Executed under several aliases, or for each
 * item of a list (a page of sessions), one short request made an answer of hundreds of
 * megabytes and held the instance for seconds.
 */
export const LARGE_FIELDS: ReadonlySet<string> = new Set(['Session.orders', 'Query.sessionEvents', 'Query.locationEvents']);

/**
 * Fields each operation may ask for once: the large ones, a location's menu (up to 1,000
 * products, some hundreds of KB: under 15 aliases one request took seconds to answer) and a page
 * of its sessions (15 pages of 100 took 220 ms of CPU). These are not large enough to wait for
 * their client's turn (LargeOperationGate): every guest reads the menu, every panel the sessions.
 */
export const ONCE_PER_OPERATION: ReadonlySet<string> = new Set([...LARGE_FIELDS, 'Query.menu', 'Query.sessions']);

/** How often each large field runs in a selection: 1, or 2 for "more than once". */
type Runs = Map<string, number>;

/** Each of ONCE_PER_OPERATION at most once per operation, counting aliases, fragments and lists. */
export function largeFieldsOnceRule(context: ValidationContext): ASTVisitor {
  const schema = context.getSchema();
  const fragmentRuns = new Map<string, Runs>();

  const runsOf = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType | undefined): Runs => {
    const runs: Runs = new Map();
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[selection.name.value] : undefined;
        if (!field) continue; // __typename, or an unknown field that another rule reports
        const coordinate = `${parentType?.name}.${field.name}`;
        if (ONCE_PER_OPERATION.has(coordinate)) count(runs, coordinate, 1);
        if (selection.selectionSet) {
          add(runs, runsOf(selection.selectionSet, getNamedType(field.type)), isListType(getNullableType(field.type)) ? 2 : 1);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        add(runs, runsOf(selection.selectionSet, type ?? undefined));
      } else {
        add(runs, runsOfFragment(selection.name.value));
      }
    }
    return runs;
  };

  // Once per fragment however often it is spread: nested spreads cannot make this walk grow.
  const runsOfFragment = (name: string): Runs => {
    const known = fragmentRuns.get(name);
    if (known) return known;
    fragmentRuns.set(name, new Map()); // a cycle is NoFragmentCyclesRule's to report
    const fragment = context.getFragment(name);
    const runs = fragment ? runsOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined) : new Map();
    fragmentRuns.set(name, runs);
    return runs;
  };

  return {
    OperationDefinition(operation) {
      const root = schema.getRootType(operation.operation) ?? undefined;
      for (const [coordinate, runs] of runsOf(operation.selectionSet, root)) {
        if (runs > 1) {
          context.reportError(
            new GraphQLError(`${coordinate} may be asked for once per operation, and not for each item of a list: its answer can be large`, {
              nodes: operation,
            }),
          );
        }
      }
    },
  };
}

function add(into: Runs, from: Runs, times = 1): void {
  for (const [coordinate, runs] of from) count(into, coordinate, runs * times);
}

function count(into: Runs, coordinate: string, runs: number): void {
  into.set(coordinate, Math.min(2, (into.get(coordinate) ?? 0) + runs));
}
