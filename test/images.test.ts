// The image tag policy shared by Compose, Helm and Terraform (src/knowledge/images.ts).
import { describe, expect, it } from 'vitest';
import { classifyTag, meetsPinLevel, parseImage } from '../src/knowledge/images.js';

const pinning = (image: string, extra: string[] = []) => classifyTag(parseImage(image), extra);

describe('classifyTag', () => {
  it.each([
    ['postgres@sha256:4ec37d2a07a0067f176fdcc9d4bb633a5724d2cc4f892c7a2046d054bb6939e5', 'digest'],
    ['nginx:latest@sha256:4ec37d2a07a0067f176fdcc9d4bb633a5724d2cc4f892c7a2046d054bb6939e5', 'digest'],
    ['postgres:16.4', 'version'],
    ['nginx:1.27', 'version'],
    ['minio/minio:RELEASE.2024-05-01T01-11-10Z', 'version'],
    ['ghcr.io/acme/api:main-2f3a1b9', 'version'],
    ['ghcr.io/acme/api:sha-2f3a1b9', 'version'],
    ['postgres:16', 'channel'],
    ['redis:7-alpine', 'channel'],
    ['nginx:stable', 'channel'],
    ['nginx:stable-alpine', 'channel'],
    ['node:lts', 'channel'],
    ['debian:bookworm-slim', 'channel'],
    ['ubuntu:noble', 'channel'],
    ['traefik:edge', 'moving'],
    ['nginx:alpine', 'moving'],
    ['python:slim', 'moving'],
    ['acme/app:main', 'moving'],
    ['acme/app:nightly', 'moving'],
    ['acme/app:unstable', 'moving'],
    ['nginx:mainline-alpine', 'moving'],
    ['nginx:latest', 'latest'],
    ['quay.io/x/mail:postgresql-latest', 'latest'],
    ['nginx:latest-alpine', 'latest'],
    ['nginx', 'none'],
    ['localhost:5000/tools', 'none'],
  ])('%s is %s', (image, want) => {
    expect(pinning(image)).toBe(want);
  });

  it('configured tags count as moving', () => {
    expect(pinning('nginx:stable', ['stable'])).toBe('moving');
    expect(pinning('acme/app:prod', ['prod'])).toBe('moving');
  });

  it('pin levels: channel accepts channels, version asks for versions, digest for digests', () => {
    expect(meetsPinLevel('channel', 'channel')).toBe(true);
    expect(meetsPinLevel('channel', 'version')).toBe(false);
    expect(meetsPinLevel('version', 'version')).toBe(true);
    expect(meetsPinLevel('version', 'digest')).toBe(false);
    expect(meetsPinLevel('digest', 'digest')).toBe(true);
    expect(meetsPinLevel('moving', 'channel')).toBe(false);
  });
});
