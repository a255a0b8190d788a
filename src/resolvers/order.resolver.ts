import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { OrderStatus } from '../entities';
import { orderView } from '../domain/views';
import type { GraphQLContext } from './context';
import { parseUuid } from './ids';
import { OrderItemInput } from './order.input';
import { Order } from './order.type';

@Resolver(() => Order)
export class OrderResolver {
  @Mutation(() => Order, {
    description:
      'Places an order (anyone holding the code). Sending the same idempotencyKey again returns the first order instead of a new one.',
  })
  async placeOrder(
    @Arg('code') code: string,
    @Arg('items', () => [OrderItemInput]) items: OrderItemInput[],
    @Arg('idempotencyKey', { description: '1 to 100 characters, new for each order the customer means to place.' })
    idempotencyKey: string,
    @Ctx() { services, client }: GraphQLContext,
  ): Promise<Order> {
    const session = await services.sessions.keyByCode(code, client);
    return services.orders.place(session, items, idempotencyKey);
  }

  @Mutation(() => Order, { description: "Moves an order along (the location's representative only)." })
  async setOrderStatus(
    @Arg('orderId', () => ID) orderId: string,
    @Arg('status', () => OrderStatus) status: OrderStatus,
    @Ctx() { em, services, credential }: GraphQLContext,
  ): Promise<Order> {
    // Authenticate before looking the order up, so order ids cannot be probed anonymously.
    await services.access.authenticate(credential);
    const order = await services.orders.find(em, parseUuid(orderId, 'orderId'));
    await services.access.requireOwner(credential, order.session.locationId);
    return orderView(await services.orders.setStatus(order, status));
  }
}
