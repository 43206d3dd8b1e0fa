// STUB: the terraform handler of wildcard-allowlist (owned by the terraform work).
import type { Handler } from '../../../src/engine/rule.js';
import type { MessageId, Options } from './rule.js';

export const checkTerraform: Handler<'terraform', MessageId, Options> = () => {};
