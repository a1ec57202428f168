import type { ASTVisitor, DocumentNode, GraphQLError, ValidationContext } from 'graphql';

/** Bounds on one GraphQL document's shape (limits.graphqlDepth and limits.graphqlAliases in the config). */
export interface GraphqlShapeLimits {
  maxDepth: number;
  maxAliases: number;
}

type GraphqlModule = typeof import('graphql');

/**
 * Validation rules for nesting depth and alias count. graphql-js has neither
 * built in; both are how a small query is made to cost a large answer.
 * Fragments are followed, so spreading one fragment into itself is still bounded
 * (graphql-js rejects fragment cycles itself, with NoFragmentCyclesRule).
 */
export function limitRules({ GraphQLError: ErrorClass, Kind }: GraphqlModule, limits: GraphqlShapeLimits) {
  const depthRule = (context: ValidationContext): ASTVisitor => {
    const document: DocumentNode = context.getDocument();
    const fragments = new Map(
      document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
    );
    type Selections = { selections: readonly { kind: string; selectionSet?: Selections; name?: { value: string } }[] };
    const depthOf = (set: Selections | undefined, depth: number, seen: Set<string>): number => {
      if (!set || depth > limits.maxDepth) return depth;
      let deepest = depth;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD)
          deepest = Math.max(deepest, depthOf(selection.selectionSet, depth + 1, seen));
        else if (selection.kind === Kind.INLINE_FRAGMENT)
          deepest = Math.max(deepest, depthOf(selection.selectionSet, depth, seen));
        else if (selection.kind === Kind.FRAGMENT_SPREAD && selection.name && !seen.has(selection.name.value)) {
          const fragment = fragments.get(selection.name.value);
          if (fragment)
            deepest = Math.max(
              deepest,
              depthOf(fragment.selectionSet as Selections, depth, new Set([...seen, selection.name.value])),
            );
        }
        if (deepest > limits.maxDepth) break;
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        if (depthOf(node.selectionSet as Selections, 0, new Set()) > limits.maxDepth) {
          context.reportError(
            new ErrorClass(`Query is nested deeper than ${limits.maxDepth} levels.`, { nodes: [node] }) as GraphQLError,
          );
        }
      },
    };
  };
  const aliasRule = (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias && ++aliases === limits.maxAliases + 1) {
          context.reportError(
            new ErrorClass(`Query uses more than ${limits.maxAliases} aliases.`, { nodes: [node] }) as GraphQLError,
          );
        }
      },
    };
  };
  return [depthRule, aliasRule];
}
