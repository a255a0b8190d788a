import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DECIMAL = /^\d{1,8}\.\d{2}$/;

/** An exact amount of money as a two-place decimal string ("0.80"); never a float. */
export const Money = new GraphQLScalarType<string, string>({
  name: 'Money',
  description: 'An exact amount of money as a decimal string with two places, e.g. "0.80". Never a float.',
  serialize(value) {
    if (typeof value !== 'string' || !DECIMAL.test(value)) throw new GraphQLError(`Money cannot represent ${String(value)}`);
    return value;
  },
  parseValue(value) {
    if (typeof value !== 'string' || !DECIMAL.test(value)) {
      throw new GraphQLError('Money is a decimal string with two places, e.g. "0.80"', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !DECIMAL.test(ast.value)) {
      throw new GraphQLError('Money is a decimal string with two places, e.g. "0.80"', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return ast.value;
  },
});
