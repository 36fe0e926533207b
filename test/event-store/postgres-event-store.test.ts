import { serverTestDatabase } from '../support/test-database.js';
import { eventStoreConformance } from './event-store.conformance.js';

eventStoreConformance('postgres', () => serverTestDatabase());
