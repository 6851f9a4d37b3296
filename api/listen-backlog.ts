// A hub restart is a reconnect storm of every device at once, and a rollout whose devices
// reconnect after installing is a steady one. Past Node's default backlog (511) the kernel drops
// their SYNs, and each retries 1, 3, 7 s later, past the agent's 10 s handshake timeout; queued
// instead, they wait only for the hub to take them in. The kernel caps it (somaxconn).
export const listenBacklog = 8192;
