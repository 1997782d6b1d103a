#!/usr/bin/env bash
# Starts the Looplab app named by LOOPLAB_APP (platform/app, worker or proposer-agents) in this image.
set -euo pipefail
app=${LOOPLAB_APP:?set LOOPLAB_APP to platform/app, worker or proposer-agents}
jar=/opt/looplab/$app/target/quarkus-app/quarkus-run.jar
if [[ ! -f $jar ]]; then
  echo "LOOPLAB_APP=$app is not an app of this image: use platform/app, worker or proposer-agents" >&2
  exit 2
fi
mkdir -p "$LOOPLAB_HOME"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java ${JAVA_OPTS:--Xmx1g} -Dai.djl.offline=true -jar "$jar"
