// The optional sticky pull-request comment: one comment per pull request, found again by a
// hidden marker and edited in place on every push, so the conversation is not flooded.
// Needs `pull-requests: write` and the workflow's token (input github-token).

export const COMMENT_MARKER = '<!-- iac-guard: sticky report -->';
/** GitHub refuses comment bodies over 65,536 characters. */
export const MAX_COMMENT_CHARS = 65_000;

export interface CommentTarget {
  api: string;
  repository: string;
  number: number;
  token: string;
}

/** Where the comment goes, from the runner's environment and event; undefined outside pull requests. */
export function commentTarget(env: NodeJS.ProcessEnv, event: { pull_request?: { number?: unknown } } | undefined, token: string): CommentTarget | undefined {
  const number = event?.pull_request?.number;
  if (typeof number !== 'number' || !env.GITHUB_REPOSITORY) return undefined;
  return { api: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/$/, ''), repository: env.GITHUB_REPOSITORY, number, token };
}

export function commentBody(markdown: string): string {
  const body = markdown.length > MAX_COMMENT_CHARS ? `${markdown.slice(0, markdown.lastIndexOf('\n', MAX_COMMENT_CHARS))}\n\n_Cut to fit a comment; the job summary has the whole report._\n` : markdown;
  return `${COMMENT_MARKER}\n${body}`;
}

/** Creates the comment, or edits the one iac-guard left before. Returns what it did. */
export async function upsertComment(target: CommentTarget, markdown: string, fetchImpl: typeof fetch = fetch): Promise<'created' | 'updated'> {
  const headers = {
    authorization: `Bearer ${target.token}`,
    accept: 'application/vnd.github+json',
    'content-type': 'application/json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'iac-guard',
  };
  const base = `${target.api}/repos/${target.repository}/issues`;
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetchImpl(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (!res.ok) throw new Error(`${method} ${url.replace(target.api, '')}: HTTP ${res.status}${res.status === 403 ? ' (give the job `pull-requests: write`)' : ''}`);
    return res.json() as Promise<unknown>;
  };
  let existing: number | undefined;
  for (let page = 1; page <= 10 && existing === undefined; page++) {
    const comments = (await call('GET', `${base}/${target.number}/comments?per_page=100&page=${page}`)) as { id: number; body?: string }[];
    existing = comments.find((c) => c.body?.startsWith(COMMENT_MARKER))?.id;
    if (comments.length < 100) break;
  }
  const body = { body: commentBody(markdown) };
  if (existing !== undefined) {
    await call('PATCH', `${base}/comments/${existing}`, body);
    return 'updated';
  }
  await call('POST', `${base}/${target.number}/comments`, body);
  return 'created';
}
