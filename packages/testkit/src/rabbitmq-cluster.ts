import { type RabbitNode, RabbitUnavailableError, startRabbit } from './rabbitmq.js';

/** Three (or n) RabbitMQ nodes of the test's own joined into one cluster. */
export interface RabbitCluster {
  readonly nodes: readonly RabbitNode[];
  /** The cluster's administrator (the first node's: the others took its users when they joined). */
  readonly admin: { username: string; password: string };
  /** `amqp://admin:…@127.0.0.1:<that node's port>`. */
  amqpUrl(node: RabbitNode): string;
  /** The node whose Raft member leads the quorum queue `queue` (asked of `via`). */
  leaderOf(queue: string, via?: RabbitNode): Promise<RabbitNode>;
  /** The quorum queue's members and their Raft states, e.g. `[['kd…@localhost', 'leader'], …]`. */
  membersOf(queue: string, via?: RabbitNode): Promise<[string, string][]>;
  remove(): Promise<void>;
}

/**
 * Starts `size` nodes (distinct node names, ports and data directories; one Erlang cookie, the
 * user's, as every node runs under the same home) and joins the others to the first with
 * `rabbitmqctl join_cluster`. A node that cannot start or join throws RabbitUnavailableError.
 */
export async function startRabbitCluster(size = 3): Promise<RabbitCluster> {
  const started = await Promise.allSettled(Array.from({ length: size }, () => startRabbit()));
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(nodes.map((n) => n.remove()));
    throw failed.reason;
  }
  const [first, ...others] = nodes as [RabbitNode, ...RabbitNode[]];
  try {
    for (const node of others) {
      await node.ctl(['stop_app']);
      await node.ctl(['reset']);
      await node.ctl(['join_cluster', first.node]);
      await node.ctl(['start_app']);
    }
  } catch (error) {
    await Promise.all(nodes.map((n) => n.remove()));
    throw new RabbitUnavailableError(
      `the RabbitMQ nodes did not join one cluster: ${(error as Error).message}`,
    );
  }
  const members = async (queue: string, via: RabbitNode): Promise<[string, string][]> => {
    const out = await via.ctl(['eval', `rabbit_quorum_queue:status(<<"/">>, <<"${queue}">>).`]);
    return [...out.matchAll(/"Node Name">>,(\S+?)\},\s*\{<<"Raft State">>,(\w+)\}/g)].map((m) => [
      m[1] as string,
      m[2] as string,
    ]);
  };
  const cluster: RabbitCluster = {
    nodes,
    admin: first.admin,
    amqpUrl: (node) => `amqp://${first.admin.username}:${first.admin.password}@127.0.0.1:${node.amqpPort}`,
    membersOf: (queue, via = first) => members(queue, via),
    async leaderOf(queue, via = first) {
      const leader = (await members(queue, via)).find(([, state]) => state === 'leader')?.[0];
      const node = nodes.find((n) => n.node === leader);
      if (!node) throw new RabbitUnavailableError(`the quorum queue ${queue} has no leader now`);
      return node;
    },
    async remove() {
      await Promise.all(nodes.map((n) => n.remove()));
    },
  };
  return cluster;
}
