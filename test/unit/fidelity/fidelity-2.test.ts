import { describeFidelityShard } from './fidelity-shard.ts';

// The fidelity suite runs as two files so that the two halves run in parallel.
describeFidelityShard(1, 2);
