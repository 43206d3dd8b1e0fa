// Host paths that hand a container control of the host: the sockets of container engines.
// Whoever can write to one can start a privileged container with the host's disk mounted.

/** File names of container engine API sockets (Docker, Podman, containerd, CRI-O). */
const ENGINE_SOCKETS: Record<string, string> = {
  'docker.sock': 'the Docker socket',
  'podman.sock': 'the Podman socket',
  'containerd.sock': 'the containerd socket',
  'crio.sock': 'the CRI-O socket',
};

/** What engine socket a mount's host path or container path names, or undefined. */
export function engineSocket(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const name = path.replace(/^unix:\/\//, '').split('/').pop() ?? '';
  return ENGINE_SOCKETS[name];
}

/** `user:` values that are root (uid 0, with or without a group). */
export function isRootUser(user: string | undefined): boolean {
  return user !== undefined && /^(root|0)(:.*)?$/.test(user.trim());
}

/**
 * Images whose job is to hold the socket and pass on only allowed API calls: the remedy,
 * not the hazard (as long as they publish no port of their own).
 */
const SOCKET_PROXY_IMAGES = /(^|\/)(docker-socket-proxy|socket-proxy|docker-proxy-acl)$/;

export function isSocketProxy(imageRepository: string): boolean {
  return SOCKET_PROXY_IMAGES.test(imageRepository);
}
