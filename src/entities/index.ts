import { LocationEvent, LocationStream } from './location-event.entity';
import { Order } from './order.entity';
import { OrderItem } from './order-item.entity';
import { Session } from './session.entity';
import { SessionEvent } from './session-event.entity';

export { LocationEvent, LocationStream } from './location-event.entity';
export { Order, OrderStatus } from './order.entity';
export { OrderItem } from './order-item.entity';
export { Session, SessionState } from './session.entity';
export { SessionEvent } from './session-event.entity';

export const entities = [Session, Order, OrderItem, SessionEvent, LocationEvent, LocationStream];
