// The timeline store contract on both backends.
import { onBothStores } from '../helpers/stores.ts';
import { timelineStoreContract } from './timeline-store-contract.ts';

await onBothStores('timeline store', timelineStoreContract);
