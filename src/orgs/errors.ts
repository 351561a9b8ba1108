import { AppError } from '../shared/index.ts';

export const orgNotFound = (code: string) => new AppError('ORG_NOT_FOUND', `Org unit "${code}" does not exist.`, { code });
