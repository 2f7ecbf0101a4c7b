#!/usr/bin/env bash
# Entry point of the Needlestack image: `needlestack start --foreground` on NEEDLESTACK_DATA
# (/data), bound to the container's own address so that the other nodes reach its Hazelcast and
# internal ports, HTTP on 8080, Hazelcast on 9080, internal plane on 10080. The container's
# arguments are more options of `start` (--name, --cluster, --roles, ...); on a restart the
# options kept in DATA/node.conf apply, the given ones override them.
#
# Environment: NEEDLESTACK_BIND (default: the first address of `hostname -i`),
# NEEDLESTACK_DATA (default /data), NEEDLESTACK_NAME (default: the host name, used when no
# --name is given at the first start), and those of bin/needlestack (NEEDLESTACK_ROOT_ACCESS_KEY,
# NEEDLESTACK_ROOT_SECRET_KEY, NEEDLESTACK_JAVA_OPTS, ...).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${NEEDLESTACK_BIN:-$here/../../bin/needlestack}
data=${NEEDLESTACK_DATA:-/data}
bind=${NEEDLESTACK_BIND:-$(hostname -i | awk '{print $1}')}
args=(start --foreground --data "$data" --bind "$bind")
if [[ ! -f $data/node.conf ]]; then
  # The first start: defaults for what the arguments do not say.
  [[ " $* " == *" --name "* ]] || args+=(--name "${NEEDLESTACK_NAME:-$(hostname -s)}")
  [[ " $* " == *" --port "* ]] || args+=(--port 8080)
  [[ " $* " == *" --hz-port "* ]] || args+=(--hz-port 9080)
  [[ " $* " == *" --internal-port "* ]] || args+=(--internal-port 10080)
fi
# exec: the start script becomes the container's main process and gets `docker stop`'s SIGTERM.
exec "$bin" "${args[@]}" "$@"
