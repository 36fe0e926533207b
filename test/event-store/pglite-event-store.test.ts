import { pgliteTestDatabase } from '../support/test-database.js';
import { eventStoreConformance } from './event-store.conformance.js';

eventStoreConformance('pglite', () => pgliteTestDatabase());
