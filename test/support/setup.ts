import { setPasswordHashCostForTests } from '../../src/auth/secrets.ts';

// argon2id at production cost (64 MiB, t=3) makes each sign-in in a test cost a second on a
// loaded two-core machine; the algorithm stays the same, only its cost is lowered.
setPasswordHashCostForTests({ memoryCost: 4096, timeCost: 1 });
