import { Migration20261125000000_initial } from './Migration20261125000000_initial';
import { Migration20261201000000_location_events } from './Migration20261201000000_location_events';
import { Migration20261202000000_open_sessions_index } from './Migration20261202000000_open_sessions_index';
import { Migration20261202010000_session_order_count } from './Migration20261202010000_session_order_count';
import { Migration20261207000000_session_open_key } from './Migration20261207000000_session_open_key';

/** Every migration, oldest first. A new migration is added here as well as in its file. */
export const migrations = [
  { name: 'Migration20261125000000_initial', class: Migration20261125000000_initial },
  { name: 'Migration20261201000000_location_events', class: Migration20261201000000_location_events },
  { name: 'Migration20261202000000_open_sessions_index', class: Migration20261202000000_open_sessions_index },
  { name: 'Migration20261202010000_session_order_count', class: Migration20261202010000_session_order_count },
  { name: 'Migration20261207000000_session_open_key', class: Migration20261207000000_session_open_key },
];
