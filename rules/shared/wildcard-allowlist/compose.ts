// STUB: the compose handler of wildcard-allowlist (owned by the compose work).
import type { Handler } from '../../../src/engine/rule.js';
import type { MessageId, Options } from './rule.js';

export const checkCompose: Handler<'compose', MessageId, Options> = () => {};
