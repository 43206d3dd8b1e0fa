// The Compose model as rules see it: which files are Compose, how override files, anchors,
// extends, include, .env and env_file combine, where every value is located, and which
// inputs are rejected (exit 2) with file:line:column.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { composeAdapter, type ComposeProject } from '../src/model/compose.js';
import type { LoadOptions, SourceFile } from '../src/core/source.js';
import { ParseError } from '../src/core/errors.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iac-guard-compose-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes files under a fresh folder and returns their SourceFiles (display path = name). */
function write(folder: string, files: Record<string, string>): SourceFile[] {
  const base = join(dir, folder);
  return Object.entries(files).map(([name, text]) => {
    const absPath = join(base, name);
    mkdirSync(dirname(absPath), { recursive: true });
    writeFileSync(absPath, text);
    return { path: `${folder}/${name}`, absPath, text };
  });
}

const options = (extra: Partial<LoadOptions> = {}): LoadOptions => ({ cwd: dir, vars: {}, varFiles: [], helmValues: [], env: {}, ...extra });

/** Loads every claimed .yml among the files, as the runner would, and returns the projects. */
function load(files: SourceFile[], opts = options()): ComposeProject[] {
  const claimed = files.filter((f) => /\.ya?ml$/.test(f.path) && composeAdapter.claims(f));
  return composeAdapter.group(claimed, opts).map((g) => composeAdapter.load(g, opts) as ComposeProject);
}

const pos = (l: { range: { start: { line: number; column: number } } } | undefined) => l && [l.range.start.line, l.range.start.column];

describe('claims', () => {
  const file = (path: string, text: string): SourceFile => ({ path, absPath: join(dir, 'claims', path), text });
  it('claims Compose names and YAML with a top-level services map', () => {
    expect(composeAdapter.claims(file('docker-compose.yml', 'version: "3"\n'))).toBe(true);
    expect(composeAdapter.claims(file('compose.prod.yaml', ''))).toBe(true);
    expect(composeAdapter.claims(file('stack.yml', 'services:\n  web:\n    image: nginx:1\n'))).toBe(true);
    expect(composeAdapter.claims(file('app.yaml', '# x\nservices: # the stack\n\n  web: {}\n'))).toBe(true);
    expect(composeAdapter.claims(file('app.yaml', 'services: {web: {image: x}}\n'))).toBe(true);
  });
  it('leaves other YAML alone', () => {
    expect(composeAdapter.claims(file('ci.yml', 'services:\n  - docker:dind\n'))).toBe(false);
    expect(composeAdapter.claims(file('.gitlab-ci.yml', 'services:\n  web: x\n'))).toBe(false);
    expect(composeAdapter.claims(file('k8s.yaml', 'spec:\n  services:\n    web: {}\n'))).toBe(false);
    expect(composeAdapter.claims(file('compose.json', '{}'))).toBe(false);
  });
  it('leaves values files beside a Chart.yaml to Helm', () => {
    const [values] = write('chart', { 'values.yaml': 'services:\n  web:\n    port: 80\n', 'Chart.yaml': 'name: x\n' });
    expect(composeAdapter.claims(values!)).toBe(false);
  });
});

describe('loading', () => {
  it('locates each value at its key or list item, through anchors and merge keys', () => {
    const [project] = load(
      write('anchors', {
        'docker-compose.yml': [
          'x-common: &common', //                 1
          '  image: example/app:1.0.0', //        2
          '  environment:', //                    3
          '    LOG_LEVEL: info', //                4
          'services:', //                          5
          '  api:', //                             6
          '    <<: *common', //                    7
          '    ports:', //                         8
          '      - "127.0.0.1:8080:8080"', //      9
          '  worker:', //                         10
          '    <<: *common', //                   11
          '    environment:', //                  12
          '      - QUEUE=jobs', //                13
          '',
        ].join('\n'),
      }),
    );
    const api = project!.service('api')!;
    const worker = project!.service('worker')!;
    expect(pos(api.at)).toEqual([6, 3]);
    expect(api.image).toMatchObject({ value: 'example/app:1.0.0', unresolved: false });
    expect(pos(api.image!.keyAt)).toEqual([2, 3]);
    expect(api.ports.map((p) => [p.path, pos(p.at)])).toEqual([['services.api.ports[0]', [9, 9]]]);
    expect(api.environment.map((e) => [e.path, pos(e.at)])).toEqual([['services.api.environment.LOG_LEVEL', [4, 5]]]);
    // An explicit key wins over the merged one.
    expect(worker.environment.map((e) => [e.name, e.value, pos(e.at)])).toEqual([['QUEUE', 'jobs', [13, 9]]]);
  });

  it('merges override files in docker order, locating values in the file that set them', () => {
    const files = write('override', {
      'docker-compose.yml': [
        'services:',
        '  web:',
        '    image: example/web:1.0.0',
        '    command: ["serve", "--port", "80"]',
        '    ports:',
        '      - "80:80"',
        '    environment:',
        '      - MODE=prod',
        '      - KEEP=yes',
        '    volumes:',
        '      - data:/data',
        '    labels:',
        '      team: web',
        'volumes:',
        '  data: {}',
        '',
      ].join('\n'),
      'docker-compose.override.yml': [
        'services:',
        '  web:',
        '    command: ["serve", "--debug"]',
        '    ports:',
        '      - "80:80"',
        '      - "127.0.0.1:9229:9229"',
        '    environment:',
        '      MODE: dev',
        '    volumes:',
        '      - ./data:/data',
        '    labels: !reset {}',
        '  debug:',
        '    image: busybox:1.36.1',
        '',
      ].join('\n'),
    });
    const projects = load(files);
    expect(projects).toHaveLength(1);
    const project = projects[0]!;
    expect(project.files).toEqual(['override/docker-compose.yml', 'override/docker-compose.override.yml']);
    const web = project.service('web')!;
    expect(pos(web.at)).toEqual([2, 3]);
    expect(web.command()).toBe('serve --debug');
    expect(web.ports.map((p) => [p.raw, p.at.file, pos(p.at)])).toEqual([
      ['80:80', 'override/docker-compose.override.yml', [5, 9]],
      ['127.0.0.1:9229:9229', 'override/docker-compose.override.yml', [6, 9]],
    ]);
    expect(web.env('MODE')).toBe('dev');
    expect(web.env('KEEP')).toBe('yes');
    expect(web.environment.find((e) => e.name === 'MODE')!.at.file).toBe('override/docker-compose.override.yml');
    expect(web.volumes.map((v) => [v.type, v.source, v.target])).toEqual([['bind', './data', '/data']]);
    expect(web.get('labels')).toBeUndefined();
    expect(project.services().map((s) => s.name)).toEqual(['web', 'debug']);
  });

  it('interpolates from .env, with the process environment winning, and never guesses', () => {
    const files = write('dotenv', {
      'compose.yaml': 'services:\n  api:\n    image: "example/api:${TAG}"\n  web:\n    image: nginx:${NGINX}\n  db:\n    image: postgres:${PG:-16.4}\n',
      '.env': 'TAG=1.0.0\nNGINX=1.27.2\n',
    });
    const [fromFile] = load(files);
    expect(fromFile!.service('api')!.image).toMatchObject({ raw: 'example/api:${TAG}', value: 'example/api:1.0.0', unresolved: false });
    expect(fromFile!.service('db')!.image!.value).toBe('postgres:16.4');
    const [fromProcess] = load(files, options({ env: { TAG: '2.0.0' } }));
    expect(fromProcess!.service('api')!.image!.value).toBe('example/api:2.0.0');
    const [unset] = load(write('unset', { 'compose.yaml': 'services:\n  api:\n    image: "example/api:${TAG}"\n' }));
    expect(unset!.service('api')!.image).toMatchObject({ value: 'example/api:${TAG}', unresolved: true });
    expect(unset!.service('api')!.image!.ref).toBeUndefined();
  });

  it('reads env_file entries with their own locations; `environment` wins over them', () => {
    const [project] = load(
      write('envfile', {
        'docker-compose.yml': 'services:\n  agent:\n    image: example/agent:1.0.0\n    env_file:\n      - agent.env\n      - path: missing.env\n        required: false\n    environment:\n      - OVERRIDDEN=from-yaml\n      - FROM_SHELL\n',
        'agent.env': '# settings\nACCEPTED_IPS=10.0.0.0/8\nOVERRIDDEN=from-file\n',
      }),
      options({ env: { FROM_SHELL: 'shell' } }),
    );
    const agent = project!.service('agent')!;
    expect(agent.environment.map((e) => [e.name, e.value, e.source, e.at.file, pos(e.at)])).toEqual([
      ['ACCEPTED_IPS', '10.0.0.0/8', 'env_file', 'envfile/agent.env', [2, 1]],
      ['OVERRIDDEN', 'from-yaml', 'environment', 'envfile/docker-compose.yml', [9, 9]],
      ['FROM_SHELL', 'shell', 'environment', 'envfile/docker-compose.yml', [10, 9]],
    ]);
    expect(project!.files).toContain('envfile/agent.env');
    expect(project!.fileReferences().map((r) => [r.kind, r.path, r.error ?? 'read'])).toEqual([['env_file', 'agent.env', 'read']]);
  });

  it('records a missing required env_file as an unreadable reference, not an error', () => {
    const [project] = load(write('envmissing', { 'docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27.2\n    env_file: secrets.env\n' }));
    expect(project!.fileReferences()).toMatchObject([{ kind: 'env_file', name: 'web', path: 'secrets.env', error: 'not found' }]);
  });

  it('exposes secret and config files with their text for the certificate rule', () => {
    const [project] = load(
      write('secrets', {
        'docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27.2\nsecrets:\n  tls_cert:\n    file: ./certs/web.pem\nconfigs:\n  nginx:\n    file: ./nginx.conf\n',
        'certs/web.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      }),
    );
    const refs = project!.fileReferences();
    expect(refs.map((r) => [r.kind, r.name, r.file, pos(r.at), r.text?.slice(0, 11), r.error])).toEqual([
      ['secret', 'tls_cert', 'secrets/certs/web.pem', [6, 11], '-----BEGIN ', undefined],
      ['config', 'nginx', 'secrets/nginx.conf', [9, 11], undefined, 'not found'],
    ]);
  });

  it('resolves extends in the same file and from another file', () => {
    const [project] = load(
      write('extends', {
        'docker-compose.yml': 'services:\n  base:\n    image: example/app:1.0.0\n    environment:\n      A: "1"\n  api:\n    extends: base\n    environment:\n      B: "2"\n  remote:\n    extends:\n      file: common.yml\n      service: agent\n',
        'common.yml': 'services:\n  agent:\n    image: example/agent:2.0.0\n    logging:\n      driver: local\n',
      }),
    );
    const api = project!.service('api')!;
    expect(api.image!.value).toBe('example/app:1.0.0');
    expect(api.environment.map((e) => e.name).sort()).toEqual(['A', 'B']);
    const remote = project!.service('remote')!;
    expect(remote.image!.value).toBe('example/agent:2.0.0');
    expect(remote.get('logging', 'driver')?.at.file).toBe('extends/common.yml');
    expect(project!.files).toContain('extends/common.yml');
  });

  it('adds included projects and rejects conflicting services', () => {
    const [project] = load(
      write('include', {
        'compose.yaml': 'include:\n  - monitoring/compose.yaml\nservices:\n  web:\n    image: nginx:1.27.2\n',
        'monitoring/compose.yaml': 'services:\n  agent:\n    image: example/agent:${AGENT_TAG}\n',
        'monitoring/.env': 'AGENT_TAG=3.1.0\n',
      }).slice(0, 1),
    );
    expect(project!.services().map((s) => s.name).sort()).toEqual(['agent', 'web']);
    expect(project!.service('agent')!.image!.value).toBe('example/agent:3.1.0');
    expect(project!.service('agent')!.at.file).toBe('include/monitoring/compose.yaml');

    const conflict = write('include-conflict', {
      'compose.yaml': 'include:\n  - other.yaml\nservices:\n  web:\n    image: nginx:1.27.2\n',
      'other.yaml': 'services:\n  web:\n    image: nginx:1.25.0\n',
    });
    expect(() => load(conflict.slice(0, 1))).toThrow(/service "web" is defined both here and in included file other.yaml/);
  });

  it('names the project like Compose', () => {
    expect(load(write('My_Stack.v2', { 'compose.yaml': 'services: {}\n' }))[0]!.name).toBe('my_stackv2');
    expect(load(write('named', { 'compose.yaml': 'name: shop\nservices: {}\n' }))[0]!.name).toBe('shop');
  });

  it('accepts an empty layer file', () => {
    expect(load(write('empty', { 'compose.extras.yaml': '# nothing yet\n' }))[0]!.services()).toEqual([]);
  });

  it('knows when a file is meant for docker stack deploy', () => {
    const plain = load(write('swarm-no', { 'compose.yaml': 'services:\n  web:\n    image: nginx:1.27.2\n    deploy:\n      resources:\n        limits:\n          memory: 64M\n' }))[0]!;
    expect(plain.swarmEvidence()).toBeUndefined();
    const replicas = load(write('swarm-yes', { 'compose.yaml': 'services:\n  web:\n    image: nginx:1.27.2\n    deploy:\n      replicas: 2\n' }))[0]!;
    expect(replicas.swarmEvidence()).toMatchObject({ reason: 'services.web.deploy.replicas is only used by `docker stack deploy`' });
    expect(pos(replicas.swarmEvidence()!.at)).toEqual([5, 7]);
    const overlay = load(write('swarm-net', { 'compose.yaml': 'services: {}\nnetworks:\n  back:\n    driver: overlay\n' }))[0]!;
    expect(overlay.swarmEvidence()?.reason).toMatch(/overlay/);
    const forced = load(write('swarm-target', { 'compose.yaml': 'services: {}\n' }), options({ composeTarget: 'swarm' }))[0]!;
    expect(forced.swarmEvidence()?.reason).toMatch(/target is swarm/);
    const named = load(write('swarm-name', { 'app-stack.yml': 'services:\n  web:\n    image: nginx:1.27.2\n' }))[0]!;
    expect(named.swarmEvidence()?.reason).toMatch(/app-stack\.yml/);
  });
});

describe('inputs Compose would reject fail with file:line:column', () => {
  const cases: [string, string, RegExp, number, number][] = [
    ['invalid YAML', 'services:\n  web:\n    image: [\n', /invalid YAML/, 4, 1],
    ['duplicate keys', 'services:\n  web:\n    image: a:1\n    image: b:2\n', /invalid YAML.*[Uu]nique|duplicate/i, 4, 5],
    ['a list at the top', '- services\n', /top level must be a mapping/, 1, 1],
    ['services as a list', 'services:\n  - web\n', /`services` must be a mapping/, 2, 3],
    ['a service that is not a mapping', 'services:\n  web: nginx\n', /services\.web must be a mapping/, 2, 8],
    ['an unknown top-level key', 'services: {}\nservice:\n  web: {}\n', /unknown top-level key "service"/, 2, 1],
    ['ports that are not a list', 'services:\n  web:\n    image: nginx:1\n    ports: "80:80"\n', /services\.web\.ports must be a list/, 4, 12],
    ['a bad port', 'services:\n  web:\n    image: nginx:1\n    ports:\n      - "80:eighty"\n', /invalid container port/, 5, 9],
    ['an extends cycle', 'services:\n  a:\n    extends: b\n  b:\n    extends: a\n', /extends forms a cycle/, 3, 14],
    ['extends of an unknown service', 'services:\n  a:\n    extends: nope\n', /names service "nope"/, 3, 14],
    ['a missing include', 'include:\n  - nowhere.yml\nservices: {}\n', /cannot read included file .*nowhere\.yml: not found/, 2, 5],
  ];
  it.each(cases)('%s', (_name, text, message, line, column) => {
    const files = write(`reject-${line}-${column}-${message.source.length}`, { 'docker-compose.yml': text });
    let error: unknown;
    try {
      load(files);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).message).toMatch(message);
    expect(error).toMatchObject({ line, column });
  });

  it('refuses an alias bomb', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    bomb.push('services: {}');
    expect(() => load(write('bomb', { 'docker-compose.yml': bomb.join('\n') }))).toThrow(/alias/);
  });
});
