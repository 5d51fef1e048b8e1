'use strict';
// Preloaded (NODE_OPTIONS=--require) by run.sh --coordinators N: gives the official client every
// coordinator of the cluster instead of the one address a test names, exactly as an
// application lists its Riak nodes (RiakNode.buildNodes with several addresses). The client's
// default RoundRobinNodeManager then sends successive commands to successive coordinators,
// so the suite runs unmodified with its requests alternating between them.
//
// QUANTA_PB_NODES: comma-separated host:port of every coordinator's PB listener.

const nodes = (process.env.QUANTA_PB_NODES || '').split(',').filter((a) => a !== '');
if (nodes.length > 0) {
  const Riak = require('basho-riak-client');
  const buildNodes = Riak.Node.buildNodes;
  Riak.Node.buildNodes = (addresses, options) => buildNodes(nodes, options);
}
