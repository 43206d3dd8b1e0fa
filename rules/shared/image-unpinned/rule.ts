import { defineRule } from '../../../src/rule-api/rule.js';
import { checkCompose } from './compose.js';
import { checkHelm } from './helm.js';
import { checkTerraform } from './terraform.js';

import { messages, type MessageId, type Options } from './spec.js';

export default defineRule<MessageId, Options>({
  id: 'image-unpinned',
  severity: 'error',
  category: 'supply-chain',
  docs: {
    summary: 'Container images pulled by `latest`, by no tag, or by a tag that moves to every new release.',
    why: 'An image that is not pinned changes under you on the next pull or restart: a bad release rolls out by itself, and when it breaks there is no recorded version to roll back to.',
    fix: 'Pin each image to a full version tag (`postgres:16.4`) or, better, a digest (`postgres@sha256:…`); bump it deliberately in a reviewed change.',
    allow: 'Add `# iac-guard-ignore image-unpinned: <reason>` above the image, or an `allow` entry with the resource/path in `.iac-guard.yml`. Set `rules: { image-unpinned: { options: { minimumPin: version } } }` to ask for exact versions (or `digest`), and `mutableTags: [...]` to add tags that count as moving.',
  },
  messages,
  options: { mutableTags: [], minimumPin: 'channel' },
  optionSpecs: {
    mutableTags: { type: 'string[]', description: 'More tags reported as moving (blocking), besides the built-in ones (`edge`, `main`, `nightly`, `alpine`, …).' },
    minimumPin: {
      type: 'string',
      values: ['channel', 'version', 'digest'],
      description: 'The loosest pin accepted: `channel` (default: a major version such as `16` or `stable` passes), `version` (those are reported as warnings) or `digest` (every tag without a digest is a warning).',
    },
  },
  check: { compose: checkCompose, helm: checkHelm, terraform: checkTerraform },
});
